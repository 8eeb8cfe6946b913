package net.lennonnet.train.dashboard;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One epoch's figures stored in the dashboard's stats storage next to DL4J's own, so that the
 * Lennonnet page shows them live and when a stored run is replayed.
 */
public final class EpochRecord extends StoredRecord {

    /** The storage type id of a run's records. */
    public static final String TYPE_ID = "LennonnetEpoch";
    private static final long serialVersionUID = 1L;

    private String sessionId;
    private long timestamp;
    private EpochStats stats;

    /** For deserialisation only. */
    public EpochRecord() {}

    public EpochRecord(String sessionId, long timestamp, EpochStats stats) {
        this.sessionId = sessionId;
        this.timestamp = timestamp;
        this.stats = stats;
    }

    /**
     * The record a run stores once, before its epochs, as the session's static information (the
     * storage lists a session only once it has some): epoch 0, all figures NaN.
     */
    public static EpochRecord runStart(String sessionId, long timestamp) {
        return new EpochRecord(sessionId, timestamp, new EpochStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0));
    }

    public EpochStats stats() {
        return stats;
    }

    @Override
    public String getSessionID() {
        return sessionId;
    }

    @Override
    public String getTypeID() {
        return TYPE_ID;
    }

    @Override
    public long getTimeStamp() {
        return timestamp;
    }

    @Override
    public void encode(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeUTF(sessionId);
        data.writeLong(timestamp);
        data.writeInt(stats.epoch());
        data.writeDouble(stats.trainLoss());
        data.writeDouble(stats.validationLoss());
        data.writeDouble(stats.validationAccuracy());
        data.writeDouble(stats.learningRate());
        data.writeDouble(stats.seconds());
        data.writeDouble(stats.gradientNorm());
        data.flush();
    }

    @Override
    public void decode(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        sessionId = data.readUTF();
        timestamp = data.readLong();
        stats = new EpochStats(data.readInt(), data.readDouble(), data.readDouble(), data.readDouble(),
                data.readDouble(), data.readDouble(), data.readDouble());
    }
}
