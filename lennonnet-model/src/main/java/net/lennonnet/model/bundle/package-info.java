/**
 * The saved model: folder or single {@code .lennonnet} file, its metadata (contract, decision,
 * calibration, provenance) and every file it carries, each pinned by SHA-256.
 */
package net.lennonnet.model.bundle;
