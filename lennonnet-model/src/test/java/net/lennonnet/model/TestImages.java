package net.lennonnet.model;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Image bytes for tests, built in memory: encoded images and JPEGs carrying an EXIF orientation. */
public final class TestImages {

    private TestImages() {}

    /** The image encoded by ImageIO in a format it can write ("png", "jpg", "bmp", "gif"). */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A JPEG of the image with an EXIF APP1 segment whose IFD0 holds one tag, Orientation (0x0112),
     * inserted after the JFIF header, as a camera would write it.
     */
    public static byte[] jpegWithOrientation(BufferedImage image, int orientation) {
        byte[] jpeg = encode(image, "jpg");
        int app0Length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
        int insertAt = 4 + app0Length; // SOI (2) + APP0 marker (2) + its length field and payload
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0 // no next IFD
        };
        byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + exif.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, insertAt);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(exif);
        out.writeBytes(tiff);
        out.write(jpeg, insertAt, jpeg.length - insertAt);
        return out.toByteArray();
    }

    /** A {@code w x h} image of {@code type} filled with {@code color}. */
    public static BufferedImage solid(int w, int h, int type, Color color) {
        BufferedImage img = new BufferedImage(w, h, type);
        var g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    /** NASA's portrait of astronaut Eileen Collins (public domain, via scikit-image): one real face. */
    public static BufferedImage astronaut() throws IOException {
        try (java.io.InputStream in = TestImages.class.getResourceAsStream("astronaut.jpg")) {
            return net.lennonnet.model.image.Images.decode(in.readAllBytes(), net.lennonnet.model.image.Images.DEFAULT_MAX_PIXELS);
        }
    }
}
