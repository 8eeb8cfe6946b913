/** The model: zoo ResNet-50 to a two-class graph, its input contract, the saved bundle and the embeddable predictor. */
package net.lennonnet.model;
