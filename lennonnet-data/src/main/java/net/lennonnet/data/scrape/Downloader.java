package net.lennonnet.data.scrape;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.function.Predicate;
import org.jsoup.Connection;
import org.jsoup.Jsoup;

/**
 * Fetches one image URL from the web, defensively: http and https only, every hop of a redirect
 * chain checked against {@link HostGuard} (unless private hosts are allowed), at most five
 * redirects, one total timeout for connecting and reading (a slow drip of bytes cannot hold a worker
 * forever), and a body cap (a declared or actual length over it is refused). Thread-safe.
 *
 * @see HostGuard
 */
public final class Downloader {

    /** Larger than any photo worth classifying, small enough to hold eight of in memory at once. */
    public static final int DEFAULT_MAX_MB = 20;
    public static final int DEFAULT_TIMEOUT_SECONDS = 20;
    public static final long DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * 1024L * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    static final int MAX_REDIRECTS = 5;

    private final long maxBytes;
    private final Duration timeout;
    private final Predicate<InetAddress> allowedAddress;

    /**
     * @param allowPrivateHosts also fetch from loopback and private addresses (tests, local mirrors)
     */
    public Downloader(long maxBytes, Duration timeout, boolean allowPrivateHosts) {
        this(maxBytes, timeout, allowPrivateHosts ? a -> true : HostGuard::isPublic);
    }

    /** A downloader fetching only from addresses {@code allowedAddress} accepts. */
    Downloader(long maxBytes, Duration timeout, Predicate<InetAddress> allowedAddress) {
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("download cap must be 1.." + (Integer.MAX_VALUE - 1) + " bytes, got "
                    + maxBytes);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("download timeout must be positive, got " + timeout);
        }
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.allowedAddress = allowedAddress;
    }

    /** The bytes at {@code url}, following redirects. */
    public byte[] download(String url) throws DownloadException {
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            URL u = checked(current);
            Connection.Response response;
            byte[] body;
            try {
                response = Jsoup.connect(u.toString()).userAgent(PoliteClient.USER_AGENT).ignoreContentType(true)
                        .ignoreHttpErrors(true).followRedirects(false).timeout((int) timeout.toMillis())
                        .maxBodySize((int) maxBytes + 1).header("Accept", "image/*,*/*;q=0.8").execute();
                int status = response.statusCode();
                if (status >= 300 && status < 400 && response.hasHeader("Location")) {
                    current = resolve(u, response.header("Location"));
                    continue;
                }
                if (status != 200) {
                    throw new DownloadException("HTTP " + status, u.toString());
                }
                String declared = response.header("Content-Length");
                if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > maxBytes) {
                    throw new DownloadException("too large", "declares " + declared + " bytes, cap is " + maxBytes);
                }
                body = response.bodyAsBytes();
            } catch (DownloadException e) {
                throw e;
            } catch (InterruptedIOException e) {
                throw new DownloadException("timeout", "no complete answer within " + timeout.toMillis() + " ms");
            } catch (IOException | RuntimeException e) {
                // jsoup reports a slow body as an IOException wrapping the timeout
                if (e.getCause() instanceof InterruptedIOException || String.valueOf(e.getMessage()).contains("timeout")) {
                    throw new DownloadException("timeout", "no complete answer within " + timeout.toMillis() + " ms");
                }
                throw new DownloadException("connection failed", e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
            if (body.length > maxBytes) {
                throw new DownloadException("too large", "more than " + maxBytes + " bytes");
            }
            if (body.length == 0) {
                throw new DownloadException("empty body", u.toString());
            }
            return body;
        }
        throw new DownloadException("too many redirects", "more than " + MAX_REDIRECTS + " from " + url);
    }

    private URL checked(String url) throws DownloadException {
        URL u;
        try {
            u = new URI(encodeIllegal(url.trim())).toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new DownloadException("bad url", url);
        }
        if (!u.getProtocol().equals("http") && !u.getProtocol().equals("https")) {
            throw new DownloadException("bad url", "only http and https, got " + u.getProtocol());
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new DownloadException("bad url", url);
        }
        HostGuard.check(u.getHost(), allowedAddress);
        return u;
    }

    /**
     * The URL with the characters a URI may not hold (spaces, quotes, braces, non-ASCII ...) percent-encoded
     * as UTF-8, as a browser sends them; search engines return such URLs as they found them.
     */
    static String encodeIllegal(String url) {
        StringBuilder out = new StringBuilder(url.length());
        for (byte b : url.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c <= 0x20 || c >= 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static String resolve(URL base, String location) throws DownloadException {
        try {
            return base.toURI().resolve(encodeIllegal(location.trim())).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new DownloadException("bad url", "redirect to " + location);
        }
    }
}
