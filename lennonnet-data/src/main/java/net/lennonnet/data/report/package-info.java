/**
 * What the data stages tell the user while and after they run: progress lines ({@link
 * net.lennonnet.data.report.Progress}) and the kinds of reasons images were dropped for ({@link
 * net.lennonnet.data.report.Reasons}). Used by both the scraper and the dataset builder, and by
 * neither's package in return.
 */
package net.lennonnet.data.report;
