package net.lennonnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.lennonnet.model.io.AtomicFiles;
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
}
