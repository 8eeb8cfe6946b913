package net.lennonnet.model;

import java.nio.file.Path;

/** How a run gets its backbone weights. */
public sealed interface WeightsChoice {

    /** A local copy of the official weights file; its checksum is verified. */
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

    /** The official weights if they are already in the DL4J cache, otherwise a random backbone. Never downloads. */
    record CachedOrRandom() implements WeightsChoice {}

    /** A random backbone, whatever is cached. */
    record RandomInit() implements WeightsChoice {}
}
