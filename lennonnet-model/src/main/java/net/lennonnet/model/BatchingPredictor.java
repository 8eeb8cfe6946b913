package net.lennonnet.model;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.image.Images;

/**
 * Many callers, one forward pass: images submitted from any threads wait in a bounded queue, and one
 * predictor thread takes whatever is waiting, up to {@value #BATCH}, and answers it with one batch of
 * {@link LennonNet#predictAll}. Under load that is the model's batch throughput for everyone; alone, an
 * image waits for nobody. The queue holds at most {@code capacity} images: past that {@link #offer}
 * refuses at once, so the memory held by waiting callers stays bounded (the web server answers 503).
 *
 * <p>It uses the {@link LennonNet} it is given and does not close it.
 */
public final class BatchingPredictor implements AutoCloseable {

    /** Images per forward pass at most. */
    public static final int BATCH = 16;

    /** What answers a batch: the model's {@link LennonNet#predictAll}, one at a time when one has no face. */
    interface Answerer {
        List<Prediction> predictAll(List<BufferedImage> images);

        Prediction predict(BufferedImage image);
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatchingPredictor.class);

    private final Answerer net;
    private final BlockingQueue<Pending> queue;
    private final Thread worker;

    private record Pending(BufferedImage image, CompletableFuture<Prediction> answer) {}

    /** Starts the predictor thread; {@code capacity} images may wait at once. */
    public BatchingPredictor(LennonNet net, int capacity) {
        this(new Answerer() {
            @Override
            public List<Prediction> predictAll(List<BufferedImage> images) {
                return net.predictAll(images);
            }

            @Override
            public Prediction predict(BufferedImage image) {
                return net.predict(image);
            }
        }, capacity);
    }

    BatchingPredictor(Answerer net, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.net = net;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.worker = new Thread(this::loop, "lennonnet-predictor");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues an image. Empty when {@code capacity} images are already waiting (or the predictor is
     * closed); otherwise the prediction to come, or the model's failure.
     */
    public Optional<CompletableFuture<Prediction>> offer(BufferedImage image) {
        CompletableFuture<Prediction> answer = new CompletableFuture<>();
        if (!worker.isAlive() || !queue.offer(new Pending(image, answer))) {
            return Optional.empty();
        }
        return Optional.of(answer);
    }

    /** Images waiting now. */
    public int waiting() {
        return queue.size();
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, BATCH - 1);
            try {
                List<Prediction> predictions = net.predictAll(batch.stream().map(Pending::image).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer().complete(predictions.get(i));
                }
            } catch (NoFaceException e) {
                // one image without a face must not fail the others that waited with it
                for (Pending p : batch) {
                    try {
                        p.answer().complete(net.predict(p.image()));
                    } catch (RuntimeException single) {
                        p.answer().completeExceptionally(single);
                    }
                }
            } catch (RuntimeException e) {
                batch.forEach(p -> p.answer().completeExceptionally(e));
            } catch (Error e) {
                // An OutOfMemoryError in one batch (a huge image, a burst) must not end the thread: every later
                // request would then be refused for good. Fail this batch, let its memory go, go on.
                log.error("predicting a batch of {} failed: {}; the predictor goes on", batch.size(), e.toString());
                batch.forEach(p -> p.answer().completeExceptionally(e));
            }
            batch.clear();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.answer().cancel(false));
    }

    /** Stops the predictor thread; images still waiting are cancelled. */
    @Override
    public void close() {
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
