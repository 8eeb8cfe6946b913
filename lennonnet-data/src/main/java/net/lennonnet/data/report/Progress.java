package net.lennonnet.data.report;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of long work, with rate and ETA: a live bar on a terminal (progressbar), and otherwise
 * (a log file, CI output) one log line every ten seconds and one at the end, without carriage-return
 * noise. Thread-safe.
 */
public final class Progress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final ProgressBar bar;
    private final String task;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime());
    private volatile String note = "";

    private Progress(ProgressBar bar, String task, long total, String unit) {
        this.bar = bar;
        this.task = task;
        this.total = total;
        this.unit = unit;
    }

    /** Starts a progress display for {@code total} units of {@code unit} ("img"). */
    public static Progress start(String task, long total, String unit) {
        if (System.console() == null) {
            return new Progress(null, task, total, unit);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0))
                .setUnit(" " + unit, 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
        return new Progress(bar, task, total, unit);
    }

    public void step() {
        long n = done.incrementAndGet();
        if (bar != null) {
            bar.step();
            return;
        }
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            double seconds = (now - start) / 1e9;
            double rate = n / Math.max(seconds, 1e-9);
            long etaSeconds = rate > 0 ? Math.round((total - n) / rate) : -1;
            log.info("{}: {}/{} {} ({} {}/s, about {} s left){}", task, n, total, unit, String.format("%.1f", rate), unit,
                    etaSeconds, note);
        }
    }

    /** A short note shown after the bar or the log line ("12 failed"). */
    public void note(String text) {
        note = ", " + text;
        if (bar != null) {
            bar.setExtraMessage(" " + text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (done.get() > 0) {
            log.info("{}: {}/{} {} in {} s ({} {}/s){}", task, done.get(), total, unit, String.format("%.1f", seconds),
                    String.format("%.1f", done.get() / Math.max(seconds, 1e-9)), unit, note);
        }
    }
}
