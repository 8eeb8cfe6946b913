/**
 * Faces at inference: BlazeFace detection (from a model file given to it), the Haar cascade, face crops
 * and dlib-style aligned chips. Getting the detector file is lennonnet-backbones' job.
 */
package net.lennonnet.model.face;
