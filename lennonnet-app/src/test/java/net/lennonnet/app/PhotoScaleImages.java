package net.lennonnet.app;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.model.image.Images;

/**
 * The original project's scale in photo-sized files, for {@code bench/photo-scale.sh}: N distinct
 * JPEGs of about 640 x 480 cut from real photos (face-api's group photos as "john", skimage's photos
 * as "not_john"), each a different crop, scale, mirror and exposure. For measuring time and memory
 * of {@code dataset} and {@code train} on files the size of scraped photos, not for accuracy claims.
 *
 * <pre>
 * mvn -B -q -pl lennonnet-app exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=net.lennonnet.app.PhotoScaleImages -Dexec.args="OUT 12800"
 * </pre>
 */
public final class PhotoScaleImages {

    private PhotoScaleImages() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int total = Integer.parseInt(args[1]);
        List<BufferedImage> people = load(RealPackages.faceApiSamples(), ".jpg");
        List<BufferedImage> things = load(RealPackages.skimageData(), ".png", ".jpg").stream()
                .filter(i -> i.getWidth() >= 256 && i.getHeight() >= 256).toList();
        Files.createDirectories(out.resolve("john"));
        Files.createDirectories(out.resolve("not_john"));
        int john = total / 9; // about the original's 1,320 john of 12,800
        long start = System.nanoTime();
        IntStream.range(0, total).parallel().forEach(n -> {
            SplittableRandom random = new SplittableRandom(n * 7919L + 17);
            boolean isJohn = n < john;
            List<BufferedImage> pool = isJohn ? people : things;
            BufferedImage photo = variant(pool.get(random.nextInt(pool.size())), random);
            Path file = out.resolve(isJohn ? "john" : "not_john").resolve(String.format("photo-%05d.jpg", n));
            try {
                writeJpeg(photo, file, 0.88f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.printf("%d photo-sized JPEGs (%d john) in %s, %.0f s%n", total, john, out, (System.nanoTime() - start) / 1e9);
    }

    private static List<BufferedImage> load(Path dir, String... suffixes) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Stream.of(suffixes).anyMatch(name::endsWith)) {
                    try {
                        images.add(Images.toBgr(Images.decode(f, Images.DEFAULT_MAX_PIXELS)));
                    } catch (IOException e) {
                        System.err.println("skipped " + f + ": " + e.getMessage());
                    }
                }
            }
        }
        return images;
    }

    /** A crop of 40-100% of each side, mirrored half the time, scaled to about 640 wide, exposure +-20%. */
    private static BufferedImage variant(BufferedImage source, SplittableRandom random) {
        int w = (int) (source.getWidth() * (0.4 + 0.6 * random.nextDouble()));
        int h = (int) (source.getHeight() * (0.4 + 0.6 * random.nextDouble()));
        int x = random.nextInt(source.getWidth() - w + 1);
        int y = random.nextInt(source.getHeight() - h + 1);
        int outW = 560 + random.nextInt(161);
        int outH = Math.max(64, (int) Math.round((double) h / w * outW));
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        boolean mirror = random.nextBoolean();
        g.drawImage(source, mirror ? outW : 0, 0, mirror ? 0 : outW, outH, x, y, x + w, y + h, null);
        g.dispose();
        float gain = (float) (0.8 + 0.4 * random.nextDouble());
        return new RescaleOp(gain, (float) (random.nextDouble() * 20 - 10), null).filter(out, null);
    }

    private static void writeJpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
