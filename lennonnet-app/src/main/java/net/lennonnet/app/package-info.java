/** The lennonnet command line: one subcommand per pipeline stage, and the offline demo. */
package net.lennonnet.app;
