/** Judging a trained model: the held-out report, P(john) analysis of image sets, and the error gallery. */
package net.lennonnet.train.evaluation;
