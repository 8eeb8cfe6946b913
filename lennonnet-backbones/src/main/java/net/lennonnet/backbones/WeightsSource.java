package net.lennonnet.backbones;

import java.net.URI;

/**
 * Where to download ImageNet ResNet-50 weights from, and the Adler32 checksum they must have.
 *
 * @param url     an {@code http} or {@code https} URL of the weights zip
 * @param adler32 the Adler32 checksum of the whole file, 0..2^32-1
 */
public record WeightsSource(URI url, long adler32) {

    /** The DL4J zoo's download location. */
    public static final URI OFFICIAL_BASE = URI.create("https://dl4jdata.blob.core.windows.net/");
    static final String PATH = "models/" + Backbones.PRETRAINED_FILE;

    public WeightsSource {
        if (url == null || url.getScheme() == null
                || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("weights URL must be an http or https URL, got " + url);
        }
        if (adler32 < 0 || adler32 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("Adler32 checksum must be 0..4294967295, got " + adler32);
        }
    }

    /** The official URL and checksum. */
    public static WeightsSource official() {
        return mirror(OFFICIAL_BASE);
    }

    /** A mirror of the DL4J download host: {@code base} + {@value #PATH}, with the official checksum. */
    public static WeightsSource mirror(URI base) {
        String b = base.toString();
        return new WeightsSource(URI.create(b.endsWith("/") ? b : b + "/").resolve(PATH), Backbones.PRETRAINED_ADLER32);
    }

    /** The file name the weights are cached under. */
    public String fileName() {
        String path = url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "resnet50-" + adler32 + ".zip" : name;
    }
}
