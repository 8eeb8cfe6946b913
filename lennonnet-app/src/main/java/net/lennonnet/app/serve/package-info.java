/** "Try Lennonnet": a web page and a JSON API in front of one model. */
package net.lennonnet.app.serve;
