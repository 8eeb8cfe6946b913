package net.lennonnet.model;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A ResNet-50 graph to transfer from, with a word on where its weights came from.
 *
 * @param graph      the whole graph, ending in its original classification layer
 * @param pretrained true for the ImageNet weights, false for a random initialisation
 * @param origin     where the weights came from, for logs and provenance
 */
public record Backbone(ComputationGraph graph, boolean pretrained, String origin) {

    public Backbone {
        if (graph == null) {
            throw new IllegalArgumentException("backbone graph must not be null");
        }
        if (origin == null || origin.isBlank()) {
            throw new IllegalArgumentException("backbone origin must be named");
        }
    }
}
