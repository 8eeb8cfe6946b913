/**
 * The one way an image becomes network input: the input contract a model records, the preparation it
 * names (whole, face crop, face align) and the pipeline that applies both.
 */
package net.lennonnet.model.pipeline;
