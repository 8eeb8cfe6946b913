/**
 * The npm client: {@code npm pack} of a pinned package, its integrity checked, and the wanted files of a
 * tarball or folder read with limits.
 */
package net.lennonnet.backbones.npm;
