package net.lennonnet.train.dashboard;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Supplier;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsInitializationReport;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsReport;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.deeplearning4j.ui.model.storage.impl.SbeStorageMetaData;

/**
 * A run's dashboard statistics, kept in memory for the DL4J UI and recorded in a file that is never
 * Java-deserialized ({@code dashboard-stats.bin}).
 *
 * <p>DL4J's own {@code FileStatsStorage} keeps its records in MapDB, which deserializes whatever class
 * the file names: opening a hostile run folder ran a crafted record's {@code readObject} (issue 19). This
 * file holds a magic line and then records of four kinds only, each its kind, its length and the bytes
 * of the record's own binary encoding: DL4J's initialisation and iteration reports (SBE encoded, decoded
 * by their own {@code decode}), Lennonnet's {@link EpochRecord}, and storage metadata, written as its
 * text fields (DL4J's metadata encoding can carry a Java-serialized extra, which is never written or
 * read here). Reading refuses an unknown kind, a record over {@value #MAX_RECORD_BYTES} bytes, and a file
 * in any other format, by its first bytes.
 */
public final class RecordedStats extends InMemoryStatsStorage {

    static final byte[] MAGIC = "LENNONNET-DASHBOARD-STATS 1\n".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private static final byte STATIC = 1;
    private static final byte UPDATE = 2;
    private static final byte METADATA = 3;
    /** The record types this file holds: the number a record is written with, its class, a blank one to decode into. */
    private record Kind(int id, Class<? extends Persistable> type, Supplier<Persistable> blank) {}

    private static final java.util.List<Kind> KINDS = java.util.List.of(
            new Kind(1, SbeStatsInitializationReport.class, SbeStatsInitializationReport::new),
            new Kind(2, SbeStatsReport.class, SbeStatsReport::new),
            new Kind(3, EpochRecord.class, EpochRecord::new));
    /** The update and initialisation classes a replayed metadata record may name. */
    private static final java.util.Set<String> KNOWN_CLASSES = KINDS.stream().map(k -> k.type().getName())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final DataOutputStream out;
    private boolean replaying;

    private RecordedStats(DataOutputStream out) {
        this.out = out;
    }

    /** The statistics in {@code file} (none when it does not exist), recording every new one into it. */
    public static RecordedStats open(Path file) throws IOException {
        boolean exists = Files.isRegularFile(file) && Files.size(file) > 0;
        if (exists) {
            checkMagic(file);
        } else {
            Files.write(file, MAGIC);
        }
        RecordedStats stats = new RecordedStats(new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.APPEND))));
        stats.replay(file);
        return stats;
    }

    /** The statistics in {@code file}, for showing them; nothing is written. */
    public static RecordedStats read(Path file) throws IOException {
        checkMagic(file);
        RecordedStats stats = new RecordedStats(null);
        stats.replay(file);
        return stats;
    }

    /**
     * Before a run records into {@code file}: a file in another format (DL4J's own file storage, as an
     * older Lennonnet wrote it) is renamed out of the way, never opened. Returns where it went, if anywhere.
     */
    public static java.util.Optional<Path> setAsideForeign(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return java.util.Optional.empty();
        }
        try {
            checkMagic(file);
            return java.util.Optional.empty();
        } catch (IOException foreign) {
            Path aside = file.resolveSibling(file.getFileName() + ".unread-old-format");
            Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return java.util.Optional.of(aside);
        }
    }

    private static void checkMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(head, MAGIC)) {
                throw new IOException(file + " is not a Lennonnet dashboard record (an older Lennonnet wrote DL4J's own "
                        + "file storage, which deserializes Java objects, and it is not opened): train again to record "
                        + "the run anew");
            }
        }
    }

    private void replay(Path file) throws IOException {
        replaying = true;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(MAGIC.length);
            while (true) {
                byte kind;
                try {
                    kind = in.readByte();
                } catch (EOFException end) {
                    break;
                }
                int type;
                int length;
                try {
                    type = in.readUnsignedShort();
                    length = in.readInt();
                } catch (EOFException cut) {
                    break; // a kill cut the last record's header: the ones before it stand
                }
                if (length < 0 || length > MAX_RECORD_BYTES) {
                    throw new IOException(file + ": a record of " + length + " bytes");
                }
                byte[] bytes;
                try {
                    bytes = in.readNBytes(length);
                } catch (OutOfMemoryError e) {
                    throw new IOException(file + ": a record too large to read", e);
                }
                if (bytes.length < length) {
                    break; // the last record was cut short by a kill: the ones before it stand
                }
                switch (kind) {
                    case STATIC -> super.putStaticInfo(decode(type, bytes, file));
                    case UPDATE -> super.putUpdate(decode(type, bytes, file));
                    case METADATA -> metadata(bytes, file);
                    default -> throw new IOException(file + ": unknown record kind " + kind);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": a damaged record (" + e + ")", e);
        } finally {
            replaying = false;
        }
    }

    private static Persistable decode(int type, byte[] bytes, Path file) throws IOException {
        Kind kind = KINDS.stream().filter(k -> k.id() == type).findFirst()
                .orElseThrow(() -> new IOException(file + ": unknown record type " + type));
        Persistable p = kind.blank().get();
        p.decode(bytes);
        return p;
    }

    private void metadata(byte[] bytes, Path file) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        long timestamp = in.readLong();
        String session = in.readUTF();
        String type = in.readUTF();
        String worker = in.readUTF();
        String init = in.readUTF();
        String update = in.readUTF();
        if (!KNOWN_CLASSES.contains(init) && !init.isEmpty() || !KNOWN_CLASSES.contains(update) && !update.isEmpty()) {
            throw new IOException(file + ": metadata names classes Lennonnet does not record (" + init + ", " + update + ")");
        }
        super.putStorageMetaData(new SbeStorageMetaData(timestamp, session, type, worker, init.isEmpty() ? null : init,
                update.isEmpty() ? null : update));
    }

    private static int typeOf(Persistable p) {
        return KINDS.stream().filter(k -> k.type().isInstance(p)).findFirst().map(Kind::id).orElseThrow(() ->
                new IllegalArgumentException("a dashboard record of type " + p.getClass().getName() + " cannot be recorded"));
    }

    private synchronized void append(byte kind, int type, byte[] bytes) {
        if (out == null || replaying) {
            return;
        }
        try {
            out.writeByte(kind);
            out.writeShort(type);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not record dashboard statistics", e);
        }
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        super.putStaticInfo(staticInfo);
        append(STATIC, typeOf(staticInfo), staticInfo.encode());
    }

    @Override
    public void putUpdate(Persistable update) {
        super.putUpdate(update);
        append(UPDATE, typeOf(update), update.encode());
    }

    @Override
    public void putStorageMetaData(StorageMetaData metaData) {
        super.putStorageMetaData(metaData);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            data.writeLong(metaData.getTimeStamp());
            data.writeUTF(String.valueOf(metaData.getSessionID()));
            data.writeUTF(String.valueOf(metaData.getTypeID()));
            data.writeUTF(String.valueOf(metaData.getWorkerID()));
            data.writeUTF(metaData.getInitTypeClass() == null ? "" : metaData.getInitTypeClass());
            data.writeUTF(metaData.getUpdateTypeClass() == null ? "" : metaData.getUpdateTypeClass());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("in-memory encoding failed", e);
        }
        append(METADATA, 0, bytes.toByteArray());
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (out != null) {
                out.close();
            }
        }
        super.close();
    }
}
