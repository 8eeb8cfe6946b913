/** A dataset to a trained model bundle: cached backbone features, the head, early stopping, the dashboard, the test report. */
package net.lennonnet.train;
