package net.lennonnet.data.scrape;

import java.time.Duration;

/**
 * How Lennonnet talks to a search engine.
 *
 * @param delay       pause between two requests to the same engine
 * @param maxAttempts attempts per request before giving up, 1..20
 * @param backoffBase first wait after a refusal; doubled on each retry, plus up to 50% random jitter
 * @param backoffMax  longest wait between attempts (also caps a server's Retry-After)
 * @param timeout     total time for one request, connecting and reading included
 */
public record Politeness(Duration delay, int maxAttempts, Duration backoffBase, Duration backoffMax,
        Duration timeout) {

    public static final int DEFAULT_DELAY_MS = 1000;
    public static final int DEFAULT_RETRIES = 4;

    /** One request a second, five attempts, waits of 2, 4, 8, 16 s (plus jitter). */
    public static final Politeness DEFAULT = new Politeness(Duration.ofMillis(DEFAULT_DELAY_MS), DEFAULT_RETRIES + 1,
            Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(Downloader.DEFAULT_TIMEOUT_SECONDS));

    public Politeness {
        if (delay.isNegative() || backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("delays must be >= 0 and backoffMax >= backoffBase, got delay "
                    + delay + ", backoff " + backoffBase + ".." + backoffMax);
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("attempts must be 1..20, got " + maxAttempts);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }
}
