/**
 * Bytes to pixels: the one decoder (pixel cap before decoding, EXIF upright, 8-bit BGR) and its refusals.
 */
package net.lennonnet.model.image;
