package net.lennonnet.train.dashboard;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.deeplearning4j.core.storage.Persistable;

/**
 * The byte plumbing shared by Lennonnet's records in a DL4J stats storage: subclasses write and read
 * their fields on a stream, this class adapts that to the array and buffer forms DL4J also asks for.
 */
abstract class StoredRecord implements Persistable {

    private static final long serialVersionUID = 1L;
    static final String WORKER_ID = "lennonnet";

    @Override
    public String getWorkerID() {
        return WORKER_ID;
    }

    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    @Override
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            encode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding failed", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    @Override
    public void decode(byte[] bytes) {
        try {
            decode(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("damaged Lennonnet record in the stats storage", e);
        }
    }

    @Override
    public void decode(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        decode(bytes);
    }
}
