package net.lennonnet.data.scrape;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.jsoup.Connection;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET requests to one search engine, one at a time with a pause between them. A refusal (202, 403,
 * 418, 429), a server error or a failed connection is retried after an exponentially growing wait
 * with jitter, a bounded number of times; then a {@link SearchException} names the engine and the
 * last status. Never a busy loop.
 *
 * <p>Redirects are followed here, hop by hop, not by the HTTP library: within the engine's own origin
 * freely, and to another host only when {@link HostGuard} accepts every address it resolves to, so a
 * search engine (or whoever answers in its name) cannot send the scraper into the user's network.
 */
final class PoliteClient {

    static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    private static final Set<Integer> REFUSALS = Set.of(202, 403, 418, 429);
    private static final int MAX_PAGE_BYTES = 8 * 1024 * 1024;
    static final int MAX_REDIRECTS = 5;
    private static final Logger log = LoggerFactory.getLogger(PoliteClient.class);

    private final String engine;
    private final Politeness politeness;
    private final Random jitter;
    private final Predicate<InetAddress> allowedAddress;
    private long lastRequestNanos;

    /** A client that follows redirects to other hosts only when they are public. */
    PoliteClient(String engine, Politeness politeness, long seed) {
        this(engine, politeness, seed, HostGuard::isPublic);
    }

    /** A client that follows redirects to other hosts only when {@code allowedAddress} accepts their addresses. */
    PoliteClient(String engine, Politeness politeness, long seed, Predicate<InetAddress> allowedAddress) {
        this.engine = engine;
        this.politeness = politeness;
        this.jitter = new Random(seed);
        this.allowedAddress = allowedAddress;
    }

    /** The body of a 200 answer to a GET of {@code url}. */
    synchronized String get(String url, Map<String, String> headers) throws SearchException {
        String lastProblem = "";
        int lastStatus = 0;
        for (int attempt = 1; attempt <= politeness.maxAttempts(); attempt++) {
            long retryAfterMillis = -1;
            waitTurn();
            try {
                Connection.Response response = followed(url, headers);
                int status = response.statusCode();
                if (status == 200) {
                    return response.body();
                }
                lastStatus = status;
                lastProblem = "HTTP " + status;
                if (!REFUSALS.contains(status) && status < 500) {
                    throw new SearchException(engine, status, "HTTP " + status + " for " + url);
                }
                retryAfterMillis = retryAfter(response.header("Retry-After"));
            } catch (SearchException e) {
                throw e;
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new SearchException(engine, lastStatus, "interrupted");
                }
                lastProblem = "timed out after " + politeness.timeout().toMillis() + " ms";
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < politeness.maxAttempts()) {
                long wait = backoffMillis(attempt, retryAfterMillis);
                log.warn("{}: {} for {}; retry {}/{} in {} ms", engine, lastProblem, url, attempt,
                        politeness.maxAttempts() - 1, wait);
                sleep(wait);
            }
        }
        throw new SearchException(engine, lastStatus, "gave up after " + politeness.maxAttempts() + " attempts, last: "
                + lastProblem + " for " + url);
    }

    /** The answer at the end of {@code url}'s redirects. */
    private Connection.Response followed(String url, Map<String, String> headers) throws IOException {
        URI origin = URI.create(url);
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Connection.Response response = Jsoup.connect(current).userAgent(USER_AGENT).headers(headers)
                    .ignoreContentType(true).ignoreHttpErrors(true).followRedirects(false)
                    .timeout((int) politeness.timeout().toMillis()).maxBodySize(MAX_PAGE_BYTES).execute();
            int status = response.statusCode();
            if (status < 300 || status >= 400 || !response.hasHeader("Location")) {
                return response;
            }
            URI next;
            try {
                next = URI.create(current).resolve(Downloader.encodeIllegal(response.header("Location").trim()));
            } catch (IllegalArgumentException e) {
                throw new SearchException(engine, status, "bad redirect to " + response.header("Location"));
            }
            if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme()) || next.getHost() == null) {
                throw new SearchException(engine, status, "refused redirect to " + next);
            }
            boolean sameOrigin = next.getScheme().equals(origin.getScheme()) && next.getHost().equalsIgnoreCase(origin.getHost())
                    && next.getPort() == origin.getPort();
            if (!sameOrigin) {
                try {
                    HostGuard.check(next.getHost(), allowedAddress);
                } catch (DownloadException e) {
                    throw new SearchException(engine, status, "refused redirect to " + next + ": " + e.getMessage());
                }
            }
            current = next.toString();
        }
        throw new SearchException(engine, 0, "more than " + MAX_REDIRECTS + " redirects from " + url);
    }

    private void waitTurn() throws SearchException {
        long since = System.nanoTime() - lastRequestNanos;
        long wait = politeness.delay().toNanos() - since;
        if (lastRequestNanos != 0 && wait > 0) {
            sleep(wait / 1_000_000 + 1);
        }
        lastRequestNanos = System.nanoTime();
    }

    /** base * 2^(attempt-1), capped, plus up to 50% jitter; a server's Retry-After wins when longer. */
    long backoffMillis(int attempt, long retryAfterMillis) {
        long base = politeness.backoffBase().toMillis();
        long max = politeness.backoffMax().toMillis();
        long wait = Math.min(max, base << Math.min(attempt - 1, 30));
        wait += (long) (jitter.nextDouble() * wait * 0.5);
        if (retryAfterMillis > wait) {
            wait = retryAfterMillis;
        }
        return Math.min(wait, max);
    }

    /** Retry-After in seconds (the HTTP-date form is ignored), or -1. */
    static long retryAfter(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim())) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void sleep(long millis) throws SearchException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchException(engine, 0, "interrupted");
        }
    }
}
