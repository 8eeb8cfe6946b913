package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingPredictorTest {

    @TempDir
    Path dir;

    private LennonNet smallModel() throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TransferGraphTest.OPTIONS);
        Path model = dir.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32),
                0.5, "test", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        return LennonNet.load(model);
    }

    private static BufferedImage image(int i) {
        return ImagesTest.solid(40 + i, 30, BufferedImage.TYPE_INT_RGB, new Color(i * 5, 255 - i * 5, 90));
    }

    @Test
    void answersFromManyThreadsEqualSingleImageAnswers() throws Exception {
        try (LennonNet net = smallModel(); BatchingPredictor batching = new BatchingPredictor(net, 64)) {
            List<CompletableFuture<Prediction>> answers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int from = t * 10;
                Thread thread = new Thread(() -> {
                    for (int i = from; i < from + 10; i++) {
                        CompletableFuture<Prediction> a = batching.offer(image(i)).orElseThrow();
                        synchronized (answers) {
                            answers.add(a);
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(answers).hasSize(40);
            for (CompletableFuture<Prediction> a : answers) {
                a.get(1, TimeUnit.MINUTES);
            }
            for (int i = 0; i < 40; i++) {
                BufferedImage img = image(i);
                double single = net.predict(img).probabilityJohn();
                double batched = batching.offer(img).orElseThrow().get(1, TimeUnit.MINUTES).probabilityJohn();
                assertThat(batched).isCloseTo(single, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void aFullQueueRefusesAtOnceAndCloseCancelsTheWaiting() throws Exception {
        try (LennonNet net = smallModel()) {
            BatchingPredictor batching = new BatchingPredictor(net, 2);
            // hold the graph so the predictor thread cannot finish a batch while the queue fills
            List<Optional<CompletableFuture<Prediction>>> offers = new ArrayList<>();
            synchronized (net.graph()) {
                for (int i = 0; i < 40; i++) {
                    offers.add(batching.offer(image(i)));
                }
                // the thread took at most one batch of 16 out; the queue then held 2 and refused the rest
                long accepted = offers.stream().filter(Optional::isPresent).count();
                assertThat(accepted).isBetween(2L, 2L + BatchingPredictor.BATCH);
                assertThat(offers.get(39)).isEmpty();
                assertThat(batching.waiting()).isEqualTo(2);
            }
            batching.close();
            assertThat(batching.offer(image(1))).isEmpty();
            for (var offer : offers) {
                offer.ifPresent(f -> assertThat(f).isDone());
            }
        }
    }
}
