/** Generated demo images: a learnable stand-in for the web data, for running the pipeline offline. */
package net.lennonnet.data.synthetic;
