package net.lennonnet.model.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads an array in ND4J's binary format ({@code Nd4j.write}: a shape buffer, then a data buffer, each a
 * header and big-endian numbers) entirely in Java, checking everything before any native code sees it.
 *
 * <p>{@code Nd4j.read} trusts the file: a data buffer declared {@code COMPRESSED} (THRESHOLD encoding,
 * with chosen indices) makes libnd4j write out of bounds and kill the JVM, and a declared length sizes a
 * native allocation before a byte is read. Here the allocation mode, buffer types, rank, shape, length
 * and the entry's real size are checked first; only plain float, double and half numbers are read, into
 * an array this class allocates for exactly the numbers that arrived. Anything else is an
 * {@link IOException} naming what was wrong.
 */
public final class ArrayFiles {

    /** Most numbers one array may hold: 128 M (ResNet-50 has 25.6 M parameters). */
    public static final long MAX_ELEMENTS = 1L << 27;
    private static final int MAX_RANK = 32;
    /** Allocation modes whose buffers carry a long length (older ones an int). */
    private static final Set<String> LONG_LENGTH_MODES = Set.of("MIXED_DATA_TYPES", "LONG_SHAPE");
    private static final Set<String> INT_LENGTH_MODES = Set.of("HEAP", "DIRECT", "JAVACPP");

    private ArrayFiles() {}

    /**
     * Reads one array from {@code in}.
     *
     * @param entryBytes the bytes the stream holds, when known (a zip entry's size), else -1: a header
     *                   that declares more numbers than can fit is refused before anything is allocated
     * @param what       what is being read, for messages (e.g. {@code "model.zip: coefficients.bin"})
     */
    public static INDArray read(InputStream in, long entryBytes, String what) throws IOException {
        CountingInput counted = new CountingInput(in);
        DataInputStream data = new DataInputStream(counted);
        try {
            long[] shapeInfo = readShapeBuffer(data, what);
            int rank = (int) shapeInfo[0];
            long[] shape = new long[rank];
            long elements = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = shapeInfo[1 + i];
                if (shape[i] < 0 || shape[i] > MAX_ELEMENTS) {
                    throw new IOException(what + ": dimension " + i + " is " + shape[i]);
                }
                elements *= shape[i]; // both factors at most 2^27 before the check below fails
                if (elements > MAX_ELEMENTS) {
                    throw new IOException(what + ": shape " + java.util.Arrays.toString(shape) + " holds more than "
                            + MAX_ELEMENTS + " numbers");
                }
            }
            long order = shapeInfo[2 * rank + 3];
            if (order != 'c' && order != 'f') {
                throw new IOException(what + ": array order " + order + " is neither 'c' nor 'f'");
            }
            String mode = data.readUTF();
            long length = readLength(data, mode, what);
            String type = data.readUTF();
            int width = switch (type) {
                case "FLOAT" -> 4;
                case "DOUBLE" -> 8;
                case "HALF" -> 2;
                default -> throw new IOException(what + ": numbers of type " + type + " are not read (only FLOAT, "
                        + "DOUBLE and HALF; a COMPRESSED buffer is refused)");
            };
            if (length != elements) {
                throw new IOException(what + ": the shape " + java.util.Arrays.toString(shape) + " holds " + elements
                        + " numbers, the data buffer declares " + length);
            }
            if (entryBytes >= 0 && counted.count + length * width > entryBytes) {
                throw new IOException(what + ": declares " + length + " " + type + " numbers (" + length * width
                        + " bytes), but only " + (entryBytes - counted.count) + " bytes follow");
            }
            return numbers(data, shape, (char) order, type, (int) length, what);
        } catch (EOFException e) {
            throw new IOException(what + ": ends before the array does", e);
        }
    }

    private static long[] readShapeBuffer(DataInputStream data, String what) throws IOException {
        String mode = data.readUTF();
        long length = readLength(data, mode, what);
        String type = data.readUTF();
        if (!type.equals("LONG") && !type.equals("INT")) {
            throw new IOException(what + ": a shape buffer of type " + type + " (LONG or INT expected)");
        }
        if (length < 4 || length > 2L * MAX_RANK + 4 || length % 2 != 0) {
            throw new IOException(what + ": a shape buffer of " + length + " numbers (4 to " + (2 * MAX_RANK + 4)
                    + ", even)");
        }
        long[] info = new long[(int) length];
        for (int i = 0; i < info.length; i++) {
            info[i] = type.equals("LONG") ? data.readLong() : data.readInt();
        }
        if (info[0] != (length - 4) / 2) {
            throw new IOException(what + ": rank " + info[0] + " does not fit a shape buffer of " + length + " numbers");
        }
        return info;
    }

    private static long readLength(DataInputStream data, String mode, String what) throws IOException {
        long length;
        if (LONG_LENGTH_MODES.contains(mode)) {
            length = data.readLong();
        } else if (INT_LENGTH_MODES.contains(mode)) {
            length = data.readInt();
        } else {
            throw new IOException(what + ": unknown buffer allocation mode '" + printable(mode) + "'");
        }
        if (length < 0 || length > MAX_ELEMENTS) {
            throw new IOException(what + ": a buffer of " + length + " numbers (at most " + MAX_ELEMENTS + ")");
        }
        return length;
    }

    private static INDArray numbers(DataInputStream data, long[] shape, char order, String type, int n, String what)
            throws IOException {
        if (type.equals("DOUBLE")) {
            double[] values = new double[n];
            readChunks(data, n, 8, (bytes, at, count) -> bytes.asDoubleBuffer().get(values, at, count));
            return Nd4j.create(values, shape, order);
        }
        float[] values = new float[n];
        if (type.equals("FLOAT")) {
            readChunks(data, n, 4, (bytes, at, count) -> bytes.asFloatBuffer().get(values, at, count));
            return Nd4j.create(values, shape, order);
        }
        readChunks(data, n, 2, (bytes, at, count) -> {
            for (int i = 0; i < count; i++) {
                values[at + i] = halfToFloat(bytes.getShort(2 * i));
            }
        });
        return Nd4j.create(values, shape, order).castTo(DataType.HALF);
    }

    /** Where a chunk of big-endian numbers goes: {@code count} of them, the first being number {@code at}. */
    private interface Chunk {
        void put(ByteBuffer bytes, int at, int count);
    }

    /** Reads {@code n} numbers of {@code width} bytes in chunks of 64 KB, handing each to {@code sink}. */
    private static void readChunks(DataInputStream data, int n, int width, Chunk sink) throws IOException {
        byte[] chunk = new byte[1 << 16];
        int at = 0;
        while (at < n) {
            int count = Math.min(n - at, chunk.length / width);
            data.readFully(chunk, 0, count * width);
            sink.put(ByteBuffer.wrap(chunk, 0, count * width).slice(), at, count);
            at += count;
        }
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0) {
            return (sign == 0 ? 1 : -1) * mantissa * (float) Math.pow(2, -24);
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Counts the bytes read through it. */
    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(0, n);
            return n;
        }
    }
}
