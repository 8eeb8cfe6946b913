/** The DL4J training dashboard, and the Lennonnet page added to it: loss curves per epoch, from the stored run. */
package net.lennonnet.train.dashboard;
