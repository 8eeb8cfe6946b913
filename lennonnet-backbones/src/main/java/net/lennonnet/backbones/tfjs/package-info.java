/**
 * TensorFlow.js packages: the one weights reader (float32 and uint8-quantised), the Keras layers-model
 * import to a DL4J graph, and the imported-backbone bundle it is cached as.
 */
package net.lennonnet.backbones.tfjs;
