/** Work handed to another thread and waited for: its failure rethrown as it was thrown there. */
package net.lennonnet.model.concurrent;
