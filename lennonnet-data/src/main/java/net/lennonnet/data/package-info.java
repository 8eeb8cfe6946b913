/** From raw images to a clean, split, labelled dataset that DataVec reads, with its manifest and report. */
package net.lennonnet.data;
