/**
 * The one cache root (DL4J's model cache) and the one fetch-and-cache routine every getter uses.
 */
package net.lennonnet.backbones.cache;
