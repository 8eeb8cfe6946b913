package net.lennonnet.backbones;

import java.util.List;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A ResNet-50 graph to transfer from, with a word on where its weights came from and the input it
 * expects.
 *
 * @param graph      the whole graph, ending in its original classification layer, reading NCHW input
 * @param pretrained true for ImageNet weights, false for a random initialisation
 * @param origin     where the weights came from, for logs and provenance (no local paths)
 * @param input      the input contract the weights expect (size and normalisation; never a face crop)
 * @param classes    the names of the graph's original output classes, when known (ImageNet's 1,000)
 */
public record Backbone(ComputationGraph graph, boolean pretrained, String origin, InputContract input, List<String> classes) {

    public Backbone {
        if (graph == null) {
            throw new IllegalArgumentException("backbone graph must not be null");
        }
        if (origin == null || origin.isBlank()) {
            throw new IllegalArgumentException("backbone origin must be named");
        }
        if (input == null) {
            throw new IllegalArgumentException("backbone input contract must be given");
        }
        classes = classes == null ? List.of() : List.copyOf(classes);
    }
}
