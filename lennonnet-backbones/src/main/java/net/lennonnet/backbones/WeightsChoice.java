package net.lennonnet.backbones;

import java.nio.file.Path;

/** How a run gets its backbone weights. */
public sealed interface WeightsChoice {

    /**
     * A local weights file: the DL4J zoo's official file (its checksum is verified) or a bundle that
     * {@code lennonnet weights import} wrote (its parameter hash is verified).
     */
    record LocalFile(Path file) implements WeightsChoice {
        public LocalFile {
            if (file == null) {
                throw new IllegalArgumentException("weights file is required");
            }
        }
    }

    /** Download (or reuse the verified cached copy of) the weights from a source. */
    record Download(WeightsSource source) implements WeightsChoice {
        public Download {
            if (source == null) {
                throw new IllegalArgumentException("weights source is required");
            }
        }
    }

    /** Real weights by the first of {@link WeightsFetch}'s ways that works; an error when none does. */
    record Fetch(WeightsFetch.Ways ways) implements WeightsChoice {
        public Fetch {
            if (ways == null) {
                throw new IllegalArgumentException("the ways to fetch weights are required");
            }
        }
    }

    /** Like {@link Fetch}, but a random backbone, with a warning, when no way works (the demo). */
    record FetchOrRandom(WeightsFetch.Ways ways) implements WeightsChoice {
        public FetchOrRandom {
            if (ways == null) {
                throw new IllegalArgumentException("the ways to fetch weights are required");
            }
        }
    }

    /** A random backbone, whatever is cached. */
    record RandomInit() implements WeightsChoice {}
}
