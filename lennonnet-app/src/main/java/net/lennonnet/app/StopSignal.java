package net.lennonnet.app;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a serving command ({@code serve}, {@code dashboard}, {@code demo --keep-dashboard}) learns that it
 * should stop: SIGINT or SIGTERM always (Ctrl-C, {@code kill}, systemd, a container stopping), and
 * Enter as well when standard input is a terminal. The end of a non-terminal standard input (nohup,
 * systemd, {@code </dev/null}) is not a request to stop. On a signal the shutdown waits, up to 30 s,
 * for the command to close its servers, so it stops cleanly.
 */
final class StopSignal implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private final boolean terminal = System.console() != null;

    StopSignal() {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lennonnet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (terminal) {
            Thread enter = new Thread(() -> {
                try {
                    for (int c = System.in.read(); c != -1; c = System.in.read()) {
                        if (c == '\n') {
                            stop.countDown();
                            return;
                        }
                    }
                } catch (IOException e) {
                    // no more terminal input: the signals still stop the command
                }
            }, "lennonnet-enter");
            enter.setDaemon(true);
            enter.start();
        }
    }

    /** What to tell the user about stopping. */
    String howToStop() {
        return terminal ? "press Enter or Ctrl-C to stop" : "stop with Ctrl-C or SIGTERM";
    }

    /** Blocks until a signal (or Enter at a terminal). */
    void await() throws InterruptedException {
        stop.await();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and now returns
        }
    }
}
