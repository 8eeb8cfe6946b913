package net.lennonnet.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What ND4J writes, the checked reader reads back exactly, for every number type it accepts. */
class ArrayFilesTest {

    private static INDArray roundTrip(INDArray array) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Nd4j.write(array, out);
        }
        byte[] b = bytes.toByteArray();
        return ArrayFiles.read(new ByteArrayInputStream(b), b.length, "test");
    }

    @Test
    void floatsDoublesAndHalvesOfAnyShapeComeBackExactly() throws IOException {
        Nd4j.getRandom().setSeed(3);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
            for (long[] shape : new long[][] {{1, 70_000}, {3, 4, 5}, {7}}) {
                INDArray original = Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(100).castTo(type);
                INDArray read = roundTrip(original);
                assertThat(read.dataType()).as(type + " " + java.util.Arrays.toString(shape)).isEqualTo(type);
                assertThat(read.shape()).isEqualTo(shape);
                assertThat(read).isEqualTo(original);
            }
        }
        // a fortran-ordered array keeps its order and its numbers
        INDArray f = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f');
        assertThat(roundTrip(f)).isEqualTo(f);
    }

    @Test
    void halvesDecodeLikeTheStandard() {
        assertThat(ArrayFiles.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(ArrayFiles.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(ArrayFiles.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
        assertThat(ArrayFiles.halfToFloat((short) 0x7C00)).isInfinite();
        assertThat(ArrayFiles.halfToFloat((short) 0x7E00)).isNaN();
    }
}
