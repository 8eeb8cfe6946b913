package net.lennonnet.model.concurrent;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure thrown as it was thrown there. */
public final class Futures {

    private Futures() {}

    /**
     * The result of {@code future}: its exception or error rethrown as it is (a checked one wrapped in an
     * {@link IllegalStateException}); an interrupt kept and reported as an {@link IllegalStateException} saying
     * "interrupted while {@code what}".
     */
    public static <T> T await(Future<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
