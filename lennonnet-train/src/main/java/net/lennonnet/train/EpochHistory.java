package net.lennonnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.lennonnet.model.AtomicFiles;
import net.lennonnet.train.dashboard.EpochStats;

/** A run's {@code history.jsonl}: one {@link EpochStats} per line, rewritten whole after each epoch. */
final class EpochHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EpochHistory() {}

    static void write(Path file, List<EpochStats> history) throws IOException {
        AtomicFiles.writeText(file, w -> {
            for (EpochStats e : history) {
                w.write(JSON.writeValueAsString(e));
                w.write('\n');
            }
        });
    }

    /** The epochs up to {@code lastEpoch} (a resumed run continues after it); empty without a file. */
    static List<EpochStats> read(Path file, int lastEpoch) throws IOException {
        List<EpochStats> history = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                EpochStats e = JSON.readValue(line, EpochStats.class);
                if (e.epoch() <= lastEpoch) {
                    history.add(e);
                }
            }
        }
        return history;
    }
}
