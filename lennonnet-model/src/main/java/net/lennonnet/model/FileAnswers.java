package net.lennonnet.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import net.lennonnet.model.concurrent.Futures;
import net.lennonnet.model.face.FaceBox;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;

/**
 * Answers many image files at the engine's rate, {@value LennonNet#BATCH} at a time. Answers come back batch by
 * batch, in input order; a file that cannot be used gets its one-line reason instead of a prediction, and the
 * others go on. Reading, hashing, decoding and preparing a batch happens one of two ways:
 * <ul>
 *   <li>when the engine runs on every core (the default), each batch is prepared on all cores at once and
 *       then answered: a reader working beside the engine would take a core from one of its threads, and a
 *       preempted thread holds the others up at the end of each parallel section (measured on 2 cores: the
 *       folder at 0.86x of the engine's own rate that way, 0.88x to 0.92x in turn, docs/performance.md);</li>
 *   <li>when the engine leaves cores free ({@link LennonNet#load(Path, net.lennonnet.model.engine.Engine.Choice,
 *       int)} with fewer threads), one reader thread prepares the next batch while the engine answers this
 *       one; at most two prepared batches wait in memory.</li>
 * </ul>
 */
public final class FileAnswers {

    private FileAnswers() {}

    /** The columns of a table of answers ({@code lennonnet predict --csv}, the Spark job), in order. */
    public static final List<String> COLUMNS = List.of("path", "sha256", "status", "reason", "face_x", "face_y",
            "face_width", "face_height", "p_john", "label", "threshold", "model_sha256");

    /**
     * One answer's cells in {@link #COLUMNS} order, absent values as null: the status is {@code ok} or
     * {@code failed}, the face box and P(john) are numbers.
     */
    public static List<Object> cells(String path, String sha256, Outcome outcome, double threshold, String modelSha256) {
        var face = outcome.prediction().flatMap(Prediction::face);
        return java.util.Arrays.asList(path, sha256.isEmpty() ? null : sha256,
                outcome.prediction().isPresent() ? "ok" : "failed", outcome.error().orElse(null),
                face.map(FaceBox::x).orElse(null), face.map(FaceBox::y).orElse(null),
                face.map(FaceBox::width).orElse(null), face.map(FaceBox::height).orElse(null),
                outcome.prediction().map(Prediction::probabilityJohn).orElse(null),
                outcome.prediction().map(Prediction::label).orElse(null), threshold, modelSha256);
    }

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

        /** This answer's cells in {@link #COLUMNS} order. */
        public List<Object> cells(double threshold, String modelSha256) {
            return FileAnswers.cells(file.toString(), sha256, outcome(), threshold, modelSha256);
        }

        /** The same, as the {@link Outcome} of the batch methods. */
        public Outcome outcome() {
            return prediction.map(p -> Outcome.of(file.toString(), p))
                    .orElseGet(() -> Outcome.failed(file.toString(), reason.orElseThrow()));
        }
    }

    /** A batch as the reader left it: each file's hash, and its prepared input or reason. */
    private record Batch(List<Path> files, List<String> hashes, List<LennonNet.Ready> ready, long started) {

        /** The batch of {@code files} from their reads, in order. */
        static Batch of(List<Path> files, List<Read> reads, long started) {
            return new Batch(files, reads.stream().map(Read::sha256).toList(), reads.stream().map(Read::ready).toList(),
                    started);
        }
    }

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
        int cores = Runtime.getRuntime().availableProcessors();
        if (net.engineThreads() >= cores) {
            inTurn(net, files, alreadyPrepared, sink, Math.min(cores, LennonNet.BATCH));
        } else {
            overlapped(net, files, alreadyPrepared, sink);
        }
    }

    /** Each batch prepared on {@code threads} threads, then answered, then the next. */
    private static void inTurn(LennonNet net, List<Path> files, boolean alreadyPrepared, Consumer<List<Answer>> sink,
            int threads) {
        java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "lennonnet-reader-" + named.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            for (int from = 0; from < files.size(); from += LennonNet.BATCH) {
                long started = System.nanoTime();
                List<Path> batch = files.subList(from, Math.min(files.size(), from + LennonNet.BATCH));
                List<Future<Read>> pending = new ArrayList<>(batch.size());
                for (Path file : batch) {
                    pending.add(readers.submit(() -> read(net, file, alreadyPrepared)));
                }
                List<Read> reads = new ArrayList<>(batch.size());
                for (Future<Read> read : pending) {
                    reads.add(await(read));
                }
                sink.accept(answer(net, Batch.of(batch, reads, started)));
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private static Read await(Future<Read> read) {
        return Futures.await(read, "answering files");
    }

    /** One reader thread preparing the next batch while the engine answers this one. */
    private static void overlapped(LennonNet net, List<Path> files, boolean alreadyPrepared, Consumer<List<Answer>> sink) {
        BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2);
        Thread reader = new Thread(() -> {
            try {
                for (int from = 0; from < files.size(); from += LennonNet.BATCH) {
                    ready.put(read(net, files.subList(from, Math.min(files.size(), from + LennonNet.BATCH)),
                            alreadyPrepared));
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

    /** One file read: its hash (empty when it could not be read) and its prepared input or reason. */
    private record Read(String sha256, LennonNet.Ready ready) {}

    private static Read read(LennonNet net, Path file, boolean alreadyPrepared) {
        try {
            byte[] bytes = Images.read(file);
            return new Read(Hashes.sha256(bytes), net.prepare(bytes, alreadyPrepared));
        } catch (IOException e) {
            return new Read("", LennonNet.Ready.refused(LennonNet.reason(e)));
        }
    }

    private static Batch read(LennonNet net, List<Path> files, boolean alreadyPrepared) {
        long started = System.nanoTime();
        return Batch.of(files, files.stream().map(file -> read(net, file, alreadyPrepared)).toList(), started);
    }

    private static List<Answer> answer(LennonNet net, Batch batch) {
        List<Optional<Prediction>> predictions = net.forwardReady(batch.ready(), batch.started());
        List<Answer> out = new ArrayList<>(batch.files().size());
        for (int i = 0; i < batch.files().size(); i++) {
            out.add(new Answer(batch.files().get(i), batch.hashes().get(i), predictions.get(i),
                    predictions.get(i).isPresent() ? Optional.empty() : Optional.of(batch.ready().get(i).reason())));
        }
        return out;
    }
}
