/** The performance benchmark: backbone forward, feature caching, training and prediction, beside peer engines. */
package net.lennonnet.app.bench;
