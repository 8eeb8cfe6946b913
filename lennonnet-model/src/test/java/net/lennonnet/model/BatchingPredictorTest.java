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
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingPredictorTest {

    @TempDir
    Path dir;

    private LennonNet smallModel() throws Exception {
        return smallModel(Engine.Choice.AUTO);
    }

    private LennonNet smallModel(Engine.Choice engine) throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        return LennonNet.load(TinyGraphs.save(graph, dir.resolve("model"), 32), engine);
    }

    /** Whether a predictor thread waits for a monitor this thread holds. */
    private static boolean predictorBlockedOnMe() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals("lennonnet-predictor")
                    && info.getThreadState() == Thread.State.BLOCKED
                    && info.getLockOwnerId() == Thread.currentThread().getId()) {
                return true;
            }
        }
        return false;
    }

    private static BufferedImage image(int i) {
        return TestImages.solid(40 + i, 30, BufferedImage.TYPE_INT_RGB, new Color(i * 5, 255 - i * 5, 90));
    }

    @Test
    void answersFromManyThreadsEqualSingleImageAnswers() throws Exception {
        try (LennonNet net = smallModel(); BatchingPredictor batching = new BatchingPredictor(net, 64)) {
            // image i's answer, offered from four threads at once so that batches mix the threads' images
            CompletableFuture<?>[] answers = new CompletableFuture<?>[40];
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    for (int i = thread; i < 40; i += 4) {
                        answers[i] = batching.offer(image(i)).orElseThrow();
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            for (int i = 0; i < 40; i++) {
                Prediction batched = (Prediction) answers[i].get(1, TimeUnit.MINUTES);
                double single = net.predict(image(i)).probabilityJohn();
                assertThat(batched.probabilityJohn()).as("image %d", i).isCloseTo(single, org.assertj.core.data.Offset.offset(1e-6));
            }
            // the images differ, so a mixed-up batch would show: not every answer is the same
            double first = ((Prediction) answers[0].get()).probabilityJohn();
            assertThat(java.util.Arrays.stream(answers).map(a -> ((Prediction) a.join()).probabilityJohn())
                    .anyMatch(p -> Math.abs(p - first) > 1e-6)).isTrue();
        }
    }

    @Test
    void aFullQueueRefusesAtOnceAndCloseCancelsTheWaiting() throws Exception {
        // DL4J's forward pass holds the graph's monitor, which this test holds to stop the predictor thread
        try (LennonNet net = smallModel(Engine.Choice.DL4J)) {
            BatchingPredictor batching = new BatchingPredictor(net, 2);
            // hold the graph, and wait until the predictor thread has taken a first image and is blocked on
            // it: from then on nothing leaves the queue, whatever the scheduler does (under load the thread
            // used to start late and empty the full queue, issue 19)
            List<Optional<CompletableFuture<Prediction>>> offers = new ArrayList<>();
            synchronized (net.graph()) {
                offers.add(batching.offer(image(0)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!predictorBlockedOnMe()) {
                    assertThat(System.nanoTime()).as("the predictor thread blocks on the held graph").isLessThan(deadline);
                    Thread.sleep(5);
                }
                for (int i = 1; i <= 40; i++) {
                    offers.add(batching.offer(image(i)));
                }
                // the first image is in the blocked batch; the queue then held 2 and refused the rest at once
                assertThat(offers.stream().filter(Optional::isPresent).count()).isEqualTo(3);
                assertThat(offers.get(40)).isEmpty();
                assertThat(batching.waiting()).isEqualTo(2);
            }
            batching.close();
            assertThat(batching.offer(image(1))).isEmpty();
            for (var offer : offers) {
                offer.ifPresent(f -> assertThat(f).isDone());
            }
        }
    }

    @Test
    void anErrorInOneBatchFailsThatBatchAndTheNextAreAnswered() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        BatchingPredictor.Answerer failingOnce = new BatchingPredictor.Answerer() {
            @Override
            public List<Prediction> predictAll(List<BufferedImage> images) {
                if (calls.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("stand-in for a batch too big for the heap");
                }
                return images.stream().map(this::predict).toList();
            }

            @Override
            public Prediction predict(BufferedImage image) {
                return new Prediction(Labels.JOHN, 0.9, java.time.Duration.ZERO, Optional.empty());
            }
        };
        try (BatchingPredictor batching = new BatchingPredictor(failingOnce, 8)) {
            CompletableFuture<Prediction> first = batching.offer(image(1)).orElseThrow();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> first.get(1, TimeUnit.MINUTES)))
                    .hasCauseInstanceOf(OutOfMemoryError.class);
            // before the fix the thread died here, and every later offer was refused (503 for good)
            CompletableFuture<Prediction> second = batching.offer(image(2)).orElseThrow();
            assertThat(second.get(1, TimeUnit.MINUTES).probabilityJohn()).isEqualTo(0.9);
        }
    }
}
