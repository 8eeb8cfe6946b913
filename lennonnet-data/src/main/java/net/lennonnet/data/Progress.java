package net.lennonnet.data;

import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of long work, with rate and ETA: a live bar on a terminal, a log line every ten seconds
 * otherwise (a log file or CI output gets no carriage-return noise). Thread-safe.
 */
public final class Progress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a progress display for {@code total} units of {@code unit} ("img"). */
    public static Progress start(String task, long total, String unit) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0))
                .setUnit(" " + unit, 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setStyle(ProgressBarStyle.ASCII);
        if (System.console() != null) {
            builder.setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500);
        } else {
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> log.info("{}", line.strip())))
                    .setUpdateIntervalMillis(10_000);
        }
        return new Progress(builder.build());
    }

    public void step() {
        bar.step();
    }

    /** A short note shown after the bar ("12 failed"). */
    public void note(String text) {
        bar.setExtraMessage(" " + text);
    }

    @Override
    public void close() {
        bar.close();
    }
}
