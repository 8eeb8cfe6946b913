package net.lennonnet.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;

/**
 * Answers many image files at the engine's rate: one reader thread reads, hashes, decodes and prepares
 * the next batch of {@value #BATCH} while the engine answers the current one. Answers come back batch by
 * batch, in input order; a file that cannot be used gets its one-line reason instead of a prediction,
 * and the others go on. At most two prepared batches wait in memory.
 */
public final class FileAnswers {

    /** Images per forward pass. */
    public static final int BATCH = 16;

    private FileAnswers() {}

    /**
     * One file's answer.
     *
     * @param file       the file as given
     * @param sha256     SHA-256 of its bytes; empty when it could not be read
     * @param prediction the answer, when the file was an image the model could use
     * @param reason     why there is no answer, otherwise
     */
    public record Answer(Path file, String sha256, Optional<Prediction> prediction, Optional<String> reason) {

        public Answer {
            if (prediction.isPresent() == reason.isPresent()) {
                throw new IllegalArgumentException("an answer has a prediction or a reason, not both or neither");
            }
        }

        /** The same, as the {@link Outcome} of the batch methods. */
        public Outcome outcome() {
            return prediction.map(p -> Outcome.of(file.toString(), p))
                    .orElseGet(() -> Outcome.failed(file.toString(), reason.orElseThrow()));
        }
    }

    /** A batch as the reader left it: each file's prepared input, or its reason. */
    private record Batch(List<Path> files, List<String> hashes, List<ImagePipeline.Input> inputs, List<String> reasons,
            long started) {}

    private static final Object END = new Object();

    /**
     * Answers {@code files}, handing each batch's answers to {@code sink} as soon as they are known.
     *
     * @param alreadyPrepared the files are a dataset's stored images, already cut or aligned the way the
     *                        model prepares them: decoded and converted only
     */
    public static void answer(LennonNet net, List<Path> files, boolean alreadyPrepared, Consumer<List<Answer>> sink) {
        if (files.isEmpty()) {
            return;
        }
        BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2);
        Thread reader = new Thread(() -> {
            try {
                for (int from = 0; from < files.size(); from += BATCH) {
                    ready.put(read(net, files.subList(from, Math.min(files.size(), from + BATCH)), alreadyPrepared));
                }
                ready.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller stopped early
            } catch (RuntimeException | Error e) {
                ready.clear();
                ready.offer(e);
            }
        }, "lennonnet-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Object item = ready.take();
                if (item == END) {
                    return;
                }
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                if (item instanceof Error e) {
                    throw e;
                }
                sink.accept(answer(net, (Batch) item));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while answering files", e);
        } finally {
            reader.interrupt();
        }
    }

    private static Batch read(LennonNet net, List<Path> files, boolean alreadyPrepared) {
        long started = System.nanoTime();
        ImagePipeline pipeline = net.pipeline();
        List<String> hashes = new ArrayList<>();
        List<ImagePipeline.Input> inputs = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Path file : files) {
            String sha = "";
            ImagePipeline.Input input = null;
            String reason = null;
            try {
                byte[] bytes = Images.read(file);
                sha = Hashes.sha256(bytes);
                BufferedImage image = pipeline.decode(bytes);
                input = alreadyPrepared ? new ImagePipeline.Input(pipeline.toInput(image), Optional.empty())
                        : pipeline.input(image);
            } catch (IOException e) {
                reason = LennonNet.reason(e);
            } catch (NoFaceException e) {
                reason = NoFaceException.REASON;
            }
            hashes.add(sha);
            inputs.add(input);
            reasons.add(reason);
        }
        return new Batch(files, hashes, inputs, reasons, started);
    }

    private static List<Answer> answer(LennonNet net, Batch batch) {
        List<ImagePipeline.Input> usable = batch.inputs().stream().filter(i -> i != null).toList();
        List<Prediction> predictions = usable.isEmpty() ? List.of() : net.forward(usable, batch.started());
        List<Answer> out = new ArrayList<>(batch.files().size());
        int next = 0;
        for (int i = 0; i < batch.files().size(); i++) {
            out.add(batch.inputs().get(i) != null
                    ? new Answer(batch.files().get(i), batch.hashes().get(i), Optional.of(predictions.get(next++)), Optional.empty())
                    : new Answer(batch.files().get(i), batch.hashes().get(i), Optional.empty(),
                            Optional.of(batch.reasons().get(i))));
        }
        return out;
    }
}
