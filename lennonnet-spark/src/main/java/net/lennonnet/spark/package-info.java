/**
 * Lennonnet as Apache Spark jobs, for archives past one machine: {@code predict} over millions of images,
 * one model per executor, answered 16 at a time by the same code as {@code lennonnet predict}.
 */
package net.lennonnet.spark;
