/**
 * Backbone features on disk, keyed by what computed them: filled by {@code train} on one machine, or
 * imported from the Spark {@code featurise} job.
 */
package net.lennonnet.backbones.features;
