package net.lennonnet.backbones.tfjs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.lennonnet.model.io.GraphFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A backbone bundle: a DL4J model zip ({@link GraphFiles}: configuration and parameters, nothing
 * serialized) that also holds {@value #INFO_ENTRY}, a {@link BackboneInfo} saying where the weights
 * came from, their parameter hash, and the input they expect. {@code lennonnet weights import}
 * writes one; {@code train --weights} reads it. The hash catches a damaged or swapped file; it is
 * not a signature (docs/reliability.md says what is trusted).
 */
public final class BackboneBundle {

    public static final String INFO_ENTRY = "lennonnet-backbone.json";
    private static final int MAX_INFO_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private BackboneBundle() {}

    /** Writes graph and info atomically; returns the info as written (with the parameter hash). */
    public static BackboneInfo write(Path file, ComputationGraph graph, BackboneInfo info) throws IOException {
        if (graph.numParams() != info.parameterCount()) {
            throw new IllegalArgumentException("info says " + info.parameterCount() + " parameters, the graph has "
                    + graph.numParams());
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        BackboneInfo written = info.withParametersSha256(GraphFiles.coefficientsSha256(graph));
        GraphFiles.write(graph, file, Map.of(INFO_ENTRY, JSON.writeValueAsBytes(written)));
        return written;
    }

    /** The bundle's info, or empty for a DL4J zip without one (such as the DL4J zoo's own file). */
    public static Optional<BackboneInfo> info(Path file) throws IOException {
        Optional<byte[]> bytes = GraphFiles.entry(file, INFO_ENTRY, MAX_INFO_BYTES);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(bytes.get(), BackboneInfo.class));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ": unreadable " + INFO_ENTRY + " (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a bundle after checking its parameters against the recorded hash. */
    public static Imported read(Path file) throws IOException {
        BackboneInfo info = info(file).orElseThrow(() -> new IOException(file + " is not a Lennonnet backbone bundle (no "
                + INFO_ENTRY + ")"));
        String sha = GraphFiles.entrySha256(file, GraphFiles.COEFFICIENTS)
                .orElseThrow(() -> new IOException(file + " has no " + GraphFiles.COEFFICIENTS));
        if (!sha.equals(info.parametersSha256())) {
            throw new IOException("backbone " + file + " has parameters with SHA-256 " + sha + ", its info records "
                    + info.parametersSha256() + ": the file is damaged or was altered; import it again");
        }
        ComputationGraph graph = GraphFiles.read(file);
        if (graph.numParams() != info.parameterCount()) {
            throw new IOException("backbone " + file + " has " + graph.numParams() + " parameters, its info records "
                    + info.parameterCount());
        }
        return new Imported(graph, info);
    }

    /** A graph with its info. */
    public record Imported(ComputationGraph graph, BackboneInfo info) {}
}
