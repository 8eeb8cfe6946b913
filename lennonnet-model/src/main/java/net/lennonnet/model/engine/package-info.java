/**
 * What runs the backbone for answering: ONNX Runtime on the frozen backbone exported to ONNX in memory
 * ({@code OnnxExport}), or DL4J itself, chosen at load ({@code Engines}); DL4J stays the framework and the
 * reference, and runs the head.
 */
package net.lennonnet.model.engine;
