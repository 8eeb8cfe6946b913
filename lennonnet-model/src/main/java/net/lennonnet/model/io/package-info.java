/**
 * Files that must be neither torn nor trusted: atomic writes, SHA-256, and the checked readers of ND4J
 * arrays and DL4J graph zips (nothing is deserialized as a Java object).
 */
package net.lennonnet.model.io;
