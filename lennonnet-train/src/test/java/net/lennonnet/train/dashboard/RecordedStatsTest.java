package net.lennonnet.train.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The run's dashboard record: DL4J's and Lennonnet's records replay, and nothing in it is Java-deserialized. */
class RecordedStatsTest {

    @TempDir
    Path dir;

    /** Deserializing it would run code: it must never be read. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean ran;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            ran = true;
        }
    }

    @Test
    void dl4jsAndLennonnetsRecordsReplayFromTheFile() throws IOException {
        Path file = dir.resolve("dashboard-stats.bin");
        RecordedStats stats = RecordedStats.open(file);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        net.setListeners(new StatsListener(stats));
        for (int i = 0; i < 30; i++) { // DL4J's listener reports a few times a second, so: for a second and a half
            sleep(50);
            net.fit(Nd4j.rand(8, 4), Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}, {0, 1},
                {1, 0}, {0, 1}}));
        }
        stats.putStaticInfo(EpochRecord.runStart("lennonnet-s", 1));
        stats.putUpdate(new EpochRecord("lennonnet-s", 2, new EpochStats(1, 0.5, 0.6, 0.7, 0.1, 0.2, 1e-7)));
        var sessions = stats.listSessionIDs();
        String session = sessions.stream().filter(s -> !s.equals("lennonnet-s")).findFirst().orElseThrow();
        String worker = stats.listWorkerIDsForSession(session).get(0);
        int dl4jUpdates = stats.getAllUpdateTimes(session, StatsListener.TYPE_ID, worker).length;
        stats.close();

        RecordedStats replayed = RecordedStats.read(file);
        assertThat(replayed.listSessionIDs()).containsExactlyInAnyOrderElementsOf(sessions);
        String dl4jSession = sessions.stream().filter(s -> !s.equals("lennonnet-s")).findFirst().orElseThrow();
        assertThat(dl4jUpdates).isPositive();
        assertThat(replayed.getAllUpdateTimes(dl4jSession, StatsListener.TYPE_ID, worker)).hasSize(dl4jUpdates);
        assertThat(replayed.getStaticInfo(dl4jSession, StatsListener.TYPE_ID, worker)).isNotNull();
        EpochRecord epoch = (EpochRecord) replayed.getLatestUpdate("lennonnet-s", EpochRecord.TYPE_ID, StoredRecord.WORKER_ID);
        assertThat(epoch.stats()).isEqualTo(new EpochStats(1, 0.5, 0.6, 0.7, 0.1, 0.2, 1e-7));

        // a kill in the middle of a record leaves the ones before it
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThat(RecordedStats.read(file).listSessionIDs()).contains(dl4jSession);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFileOfJavaSerializedObjectsIsNeverOpened() throws IOException {
        Path file = dir.resolve("dashboard-stats.bin");
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
            out.writeObject(new Gadget());
        }
        assertThatThrownBy(() -> RecordedStats.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Lennonnet dashboard record");
        assertThatThrownBy(() -> RecordedStats.open(file)).isInstanceOf(IOException.class);
        assertThat(Gadget.ran).isFalse();
        // training into that run folder sets the file aside, unread, and records anew
        assertThat(RecordedStats.setAsideForeign(file)).hasValueSatisfying(aside ->
                assertThat(aside.getFileName().toString()).endsWith(".unread-old-format"));
        RecordedStats fresh = RecordedStats.open(file);
        assertThat(fresh.listSessionIDs()).isEmpty();
        fresh.close();
        assertThat(Gadget.ran).isFalse();
    }

    @Test
    void anUnknownRecordKindOrAHugeLengthIsRefused() throws IOException {
        Path file = dir.resolve("bad.bin");
        var bytes = new java.io.ByteArrayOutputStream();
        bytes.write(RecordedStats.MAGIC);
        var data = new java.io.DataOutputStream(bytes);
        data.writeByte(9);
        data.writeShort(1);
        data.writeInt(4);
        data.writeInt(0);
        Files.write(file, bytes.toByteArray());
        assertThatThrownBy(() -> RecordedStats.read(file)).hasMessageContaining("unknown record kind 9");
        bytes.reset();
        bytes.write(RecordedStats.MAGIC);
        data.writeByte(2);
        data.writeShort(2);
        data.writeInt(Integer.MAX_VALUE);
        Files.write(file, bytes.toByteArray());
        assertThatThrownBy(() -> RecordedStats.read(file)).hasMessageContaining("a record of 2147483647 bytes");
    }
}
