package net.lennonnet.data.scrape;

import java.io.IOException;

/** An image search that failed: the engine refused, answered garbage, or could not be reached. */
public final class SearchException extends IOException {

    private final String engine;
    private final int status;

    /**
     * @param status the last HTTP status seen, 0 when no response came
     */
    public SearchException(String engine, int status, String message) {
        super(engine + ": " + message);
        this.engine = engine;
        this.status = status;
    }

    public String engine() {
        return engine;
    }

    /** The last HTTP status seen, 0 when no response came. */
    public int status() {
        return status;
    }
}
