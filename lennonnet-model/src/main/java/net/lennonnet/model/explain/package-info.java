/**
 * Why an answer: heatmaps over the photo from the model itself (class activation maps of a linear head on
 * average-pooled convolution maps), mapped back onto the original photo.
 */
package net.lennonnet.model.explain;
