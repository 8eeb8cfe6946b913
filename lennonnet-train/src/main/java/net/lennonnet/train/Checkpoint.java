package net.lennonnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import net.lennonnet.model.GraphFiles;
import net.lennonnet.train.run.RunFolder;

/**
 * The head's training state after each epoch, in the run folder's checkpoints ({@link RunFolder#checkpoints()}): the head with its
 * optimiser state, the best head so far, and {@code state.json}. Files carry their epoch in their
 * names and {@code state.json} is renamed into place last, so a {@code kill -9} at any moment leaves
 * the previous complete checkpoint in force. The next checkpoint written deletes what such a kill left
 * behind: older heads and half-written {@code .part} files.
 */
final class Checkpoint {

    private static final String STATE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What {@code state.json} records.
     *
     * @param epoch       the last completed epoch
     * @param bestEpoch   the epoch with the lowest validation loss so far
     * @param bestLoss    that loss
     * @param headFile    the head after {@code epoch}, with updater state
     * @param bestFile    the head after {@code bestEpoch}
     * @param runKey      what must match for a resume: backbone key, seed, batch size, learning rate
     * @param session     the dashboard session the epochs were stored under
     */
    record State(int epoch, int bestEpoch, double bestLoss, String headFile, String bestFile, String runKey,
            String session) {}

    private Checkpoint() {}

    static Optional<State> read(Path out) throws IOException {
        Path state = new RunFolder(out).checkpoints().resolve(STATE);
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(state.toFile(), State.class));
        } catch (IOException e) {
            throw new IOException("damaged checkpoint " + state + ": " + e.getMessage(), e);
        }
    }

    static ComputationGraph load(Path out, String file) throws IOException {
        return GraphFiles.read(new RunFolder(out).checkpoints().resolve(file), true);
    }

    /** Writes the epoch's checkpoint; {@code improved} also makes this head the best one. */
    static State write(Path out, int epoch, ComputationGraph head, boolean improved, State previous, double loss,
            String runKey, String session) throws IOException {
        Path dir = Files.createDirectories(new RunFolder(out).checkpoints());
        String headFile = String.format("head-e%05d.zip", epoch);
        writeGraph(head, dir.resolve(headFile));
        String bestFile = previous == null ? headFile : previous.bestFile();
        int bestEpoch = previous == null ? epoch : previous.bestEpoch();
        double bestLoss = previous == null ? loss : previous.bestLoss();
        if (improved) {
            bestFile = String.format("best-e%05d.zip", epoch);
            writeGraph(head, dir.resolve(bestFile));
            bestEpoch = epoch;
            bestLoss = loss;
        }
        State state = new State(epoch, bestEpoch, bestLoss, headFile, bestFile, runKey, session);
        Path tmp = dir.resolve(STATE + ".part");
        JSON.writeValue(tmp.toFile(), state);
        Files.move(tmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                // older heads, and the temporary files of writes that a kill cut short
                boolean stale = name.endsWith(".part") || name.endsWith(".zip") && !name.equals(headFile)
                        && !name.equals(state.bestFile());
                if (stale) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return state;
    }

    private static void writeGraph(ComputationGraph graph, Path file) throws IOException {
        GraphFiles.write(graph, file, true, java.util.Map.of());
    }
}
