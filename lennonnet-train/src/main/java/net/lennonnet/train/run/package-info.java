/**
 * The run folder a training run writes and every later stage reads ({@link
 * net.lennonnet.train.run.RunFolder}): training, the dashboard, the demo. Depends on no other package
 * of this module.
 */
package net.lennonnet.train.run;
