package net.lennonnet.backbones;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.model.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the ImageNet ResNet-50 weights into the DL4J model cache and verifies them.
 *
 * <p>The download goes to a {@code .part} file that becomes the cached file only after its Adler32
 * checksum matched, so a cut connection never leaves a file that looks complete. A cached file is
 * verified again on every use, and replaced when it fails.
 */
public final class PretrainedWeights {

    private static final Logger log = LoggerFactory.getLogger(PretrainedWeights.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** No byte for this long and the download is abandoned. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private PretrainedWeights() {}

    /** Where a source's file is cached: the DL4J zoo cache folder for ResNet-50. */
    public static Path cacheFile(WeightsSource source) {
        return BackboneCache.imagenet().resolve(source.fileName());
    }

    /** Returns the verified cached file, downloading it first if it is missing or damaged. */
    public static Path fetch(WeightsSource source) throws IOException {
        Path target = cacheFile(source);
        BackboneCache.fill(target.getParent(), "ResNet-50 ImageNet weights from " + source.url(), () -> {
            if (!Files.isRegularFile(target)) {
                return Optional.of("not in the cache");
            }
            long actual = adler32(target);
            return actual == source.adler32() ? Optional.empty()
                    : Optional.of("the cached file has Adler32 " + actual + " instead of " + source.adler32());
        }, scratch ->
            // the download lands under the final name only whole and with the right checksum
            AtomicFiles.write(target, part -> {
                download(source, part);
                long actual = adler32(part);
                if (actual != source.adler32()) {
                    throw new IOException("downloaded weights from " + source.url() + " have Adler32 checksum " + actual
                            + ", expected " + source.adler32() + ": not the file that was asked for");
                }
            }));
        return target;
    }

    private static void download(WeightsSource source, Path part) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(source.url()).timeout(READ_TIMEOUT).GET().build();
        log.info("downloading ResNet-50 ImageNet weights from {}", source.url());
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw unreachable(source, "timed out", e);
        } catch (IOException e) {
            throw unreachable(source, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + source.url(), e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw unreachable(source, "HTTP " + response.statusCode(), null);
        }
        long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long written;
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
            written = in.transferTo(out);
        } catch (IOException e) {
            throw new IOException("download of " + source.url() + " broke off: " + e.getMessage(), e);
        }
        if (expected >= 0 && written != expected) {
            throw new IOException("download of " + source.url() + " broke off after " + written + " of " + expected
                    + " bytes");
        }
    }

    private static IOException unreachable(WeightsSource source, String why, Exception cause) {
        return new IOException("could not download the ResNet-50 ImageNet weights from " + source.url() + " (" + why
                + "). Three ways out: give a copy of " + Backbones.PRETRAINED_FILE + " with --weights FILE; "
                + "a mirror of the DL4J download host with --weights-mirror URL; or another location with "
                + "--weights-url URL --weights-adler32 CHECKSUM", cause);
    }

    /** Adler32 of a whole file, as the DL4J zoo checks it. */
    public static long adler32(Path file) throws IOException {
        Adler32 adler = new Adler32();
        try (CheckedInputStream in = new CheckedInputStream(Files.newInputStream(file), adler)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return adler.getValue();
    }
}
