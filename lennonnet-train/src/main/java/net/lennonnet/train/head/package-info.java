/** The head on cached features as a convex fit, and the choice of answering score, calibration and threshold on held-out scores. */
package net.lennonnet.train.head;
