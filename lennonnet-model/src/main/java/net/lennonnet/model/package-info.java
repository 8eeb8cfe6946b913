/**
 * What a downstream program uses: {@code LennonNet} (load a model file or folder, answer photos), its
 * {@code Prediction}s and the batching front for servers. Everything answering needs lives in this module;
 * nothing in it fetches, imports or starts a process.
 */
package net.lennonnet.model;
