package net.lennonnet.data.scrape;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape manifest, {@code scrape.jsonl}: one JSON line per URL tried, appended as each finishes
 * and forced to disk, so a killed run loses at most the line being written. Opening it drops such a
 * torn last line; everything before it is kept.
 */
public final class ScrapeManifest implements AutoCloseable {

    public static final String FILE = "scrape.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ScrapeManifest.class);

    private final FileChannel channel;
    private final List<ScrapeRecord> records;

    private ScrapeManifest(FileChannel channel, List<ScrapeRecord> records) {
        this.channel = channel;
        this.records = records;
    }

    /** Opens (or creates) the manifest in {@code root} for appending, reading what earlier runs wrote. */
    public static ScrapeManifest open(Path root) throws IOException {
        Path file = root.resolve(FILE);
        List<ScrapeRecord> records = new ArrayList<>(read(root));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        long size = channel.size();
        long end = size;
        if (size > 0) {
            // Find the end of the last complete line; a kill -9 mid-append leaves a torn one after it.
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                log.warn("{}: dropping a torn last line ({} bytes) left by an interrupted run", file, size - end);
                channel.truncate(end);
            }
        }
        channel.position(end);
        return new ScrapeManifest(channel, records);
    }

    /** The complete rows of a manifest; a missing manifest has none. */
    public static List<ScrapeRecord> read(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<ScrapeRecord> records = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                records.add(JSON.readValue(line, ScrapeRecord.class));
            } catch (IOException e) {
                if (text.endsWith("\n") || lineNo < text.split("\n", -1).length) {
                    throw new IOException(file + " line " + lineNo + " is not a manifest row: "
                            + e.getMessage().lines().findFirst().orElse(""), e);
                }
                // the torn last line of an interrupted run: open() removes it
            }
        }
        return records;
    }

    /** Rows read when the manifest was opened. */
    public List<ScrapeRecord> previous() {
        return List.copyOf(records);
    }

    /** Appends one row and forces it to disk. */
    public synchronized void append(ScrapeRecord record) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        records.add(record);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
