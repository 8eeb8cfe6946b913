/**
 * The two-class graph: the class labels, the head put on a backbone, and the rewrites that make a frozen
 * backbone fast (batch norm folded, NHWC).
 */
package net.lennonnet.model.graph;
