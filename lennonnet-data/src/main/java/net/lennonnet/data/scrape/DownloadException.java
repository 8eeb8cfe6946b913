package net.lennonnet.data.scrape;

import java.io.IOException;

/** A download that failed; {@link #kind()} groups failures in the summary ("HTTP 404", "timeout", ...). */
public final class DownloadException extends IOException {

    private final String kind;

    public DownloadException(String kind, String detail) {
        super(detail.isEmpty() ? kind : kind + ": " + detail);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
