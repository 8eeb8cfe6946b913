package net.lennonnet.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The hostile and unusual image corpus, generated in memory at test time (nothing binary is
 * committed): for each case, a file name and its bytes. Each entry point must either read a case the
 * same way as every other entry point or refuse it with a one-line reason.
 */
public final class BadImages {

    private BadImages() {}

    /** Case name (also the file name) to bytes, in a stable order. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        BufferedImage photo = picture(160, 120);
        byte[] jpeg = TestImages.encode(photo, "jpg");
        byte[] png = TestImages.encode(photo, "png");
        c.put("zero-bytes.jpg", new byte[0]);
        c.put("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2));
        c.put("truncated.png", Arrays.copyOf(png, png.length / 2));
        c.put("html-page.jpg", "<!DOCTYPE html><html><body>403 Forbidden</body></html>".getBytes(StandardCharsets.UTF_8));
        c.put("jpeg-named.png", jpeg);
        c.put("png-named.jpg", png);
        c.put("bomb-30000x30000.png", pngDeclaring(30_000, 30_000));
        c.put("huge-declared.gif", gifDeclaring(65_535, 65_535));
        c.put("cmyk.jpg", cmykJpeg(photo));
        c.put("grey-16bit.png", TestImages.encode(grey16(photo), "png"));
        c.put("greyscale.png", TestImages.encode(typed(photo, BufferedImage.TYPE_BYTE_GRAY), "png"));
        c.put("palette-transparent.png", TestImages.encode(paletteWithAlpha(), "png"));
        c.put("rgba.png", TestImages.encode(typed(photo, BufferedImage.TYPE_INT_ARGB), "png"));
        c.put("animated.gif", animatedGif());
        for (int o = 1; o <= 8; o++) {
            c.put("exif-orientation-" + o + ".jpg", TestImages.jpegWithOrientation(photo, o));
        }
        c.put("progressive.jpg", progressiveJpeg(photo));
        c.put("one-pixel.png", TestImages.encode(picture(1, 1), "png"));
        c.put("strip-10000x10.png", TestImages.encode(picture(10_000, 10), "png"));
        c.put("bitmap.bmp", TestImages.encode(photo, "bmp"));
        c.put("tiff.tif", tiff(photo));
        c.put("multipage.tif", multipageTiff(photo));
        c.put("icon.ico", icoWithPng(TestImages.encode(picture(32, 32), "png")));
        c.put("webp-lossy-header.webp", webpHeaderOnly());
        c.put("avif-box.avif", avifBox());
        c.put("vector.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"
                .getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[5000];
        new Random(11).nextBytes(noise);
        c.put("random-bytes.jpg", noise);
        byte[] trailing = Arrays.copyOf(jpeg, jpeg.length + 4000);
        for (int i = jpeg.length; i < trailing.length; i++) {
            trailing[i] = (byte) (i * 31);
        }
        c.put("trailing-garbage.jpg", trailing);
        return c;
    }

    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(70, 130, 180));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(240, 200, 60));
        g.fillOval(w / 4, h / 4, Math.max(1, w / 2), Math.max(1, h / 2));
        g.dispose();
        return img;
    }

    private static BufferedImage typed(BufferedImage src, int type) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage grey16(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage paletteWithAlpha() {
        byte[] r = {(byte) 255, 0, 0, 0};
        byte[] g = {0, (byte) 255, 0, 0};
        byte[] b = {0, 0, (byte) 255, 0};
        byte[] a = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel model = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_INDEXED, model);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.getRaster().setSample(x, y, 0, (x / 16) % 4);
            }
        }
        return img;
    }

    /** A valid 1x1 PNG whose header claims {@code w x h}: the IHDR is rewritten with a correct CRC. */
    static byte[] pngDeclaring(int w, int h) {
        byte[] png = TestImages.encode(picture(1, 1), "png");
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, w);
        buf.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" + 13 bytes of data
        buf.putInt(29, (int) crc.getValue());
        return png;
    }

    /** A GIF whose logical screen and image descriptor claim {@code w x h} but hold one pixel. */
    static byte[] gifDeclaring(int w, int h) {
        byte[] gif = TestImages.encode(picture(1, 1), "gif");
        gif[6] = (byte) w;
        gif[7] = (byte) (w >> 8);
        gif[8] = (byte) h;
        gif[9] = (byte) (h >> 8);
        for (int i = 10; i < gif.length - 9; i++) {
            if (gif[i] == 0x2C) { // image descriptor
                gif[i + 5] = (byte) w;
                gif[i + 6] = (byte) (w >> 8);
                gif[i + 7] = (byte) h;
                gif[i + 8] = (byte) (h >> 8);
                break;
            }
        }
        return gif;
    }

    /** What to do with an image writer whose output is set. */
    private interface Writing {
        void to(ImageWriter writer) throws IOException;
    }

    /** The bytes {@code writing} makes {@code writer} produce. */
    private static byte[] written(ImageWriter writer, Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writing.to(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static ImageWriter writer(String format) {
        return ImageIO.getImageWritersByFormatName(format).next();
    }

    private static byte[] cmykJpeg(BufferedImage photo) {
        // A four-band raster written without a colour space: readers see a four-channel (CMYK) JPEG
        BufferedImage four = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_4BYTE_ABGR);
        Graphics2D g = four.createGraphics();
        g.drawImage(photo, 0, 0, null);
        g.dispose();
        return written(writer("jpeg"),
                w -> w.write(null, new IIOImage(four.getRaster(), null, null), w.getDefaultWriteParam()));
    }

    private static byte[] animatedGif() {
        return written(writer("gif"), w -> {
            w.prepareWriteSequence(null);
            for (int i = 0; i < 3; i++) {
                w.writeToSequence(new IIOImage(picture(40 + i, 30), null, null), null);
            }
            w.endWriteSequence();
        });
    }

    private static byte[] progressiveJpeg(BufferedImage photo) {
        return written(writer("jpeg"), w -> {
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            w.write(null, new IIOImage(photo, null, null), p);
        });
    }

    private static byte[] multipageTiff(BufferedImage photo) {
        return written(tiffWriter(), w -> {
            w.prepareWriteSequence(null);
            w.writeToSequence(new IIOImage(photo, null, null), null);
            w.writeToSequence(new IIOImage(picture(50, 50), null, null), null);
            w.endWriteSequence();
        });
    }

    private static byte[] tiff(BufferedImage photo) {
        return written(tiffWriter(), w -> w.write(new IIOImage(photo, null, null)));
    }

    /**
     * One TIFF writer whatever the class path's plugin order: the JDK's and TwelveMonkeys' writers
     * make different files, and which one {@code ImageIO} lists first differs between builds.
     */
    private static ImageWriter tiffWriter() {
        ImageWriter first = null;
        for (var it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext();) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.twelvemonkeys")) {
                return w;
            }
            first = first == null ? w : first;
        }
        return first;
    }

    /** An ICO file with one 32x32 PNG entry (the Vista format). */
    private static byte[] icoWithPng(byte[] png) {
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + png.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
        b.put((byte) 32).put((byte) 32).put((byte) 0).put((byte) 0).putShort((short) 1).putShort((short) 32)
                .putInt(png.length).putInt(22);
        b.put(png);
        return b.array();
    }

    /** A RIFF/WEBP container whose VP8 chunk is cut short: recognised as WebP, not decodable. */
    private static byte[] webpHeaderOnly() {
        ByteBuffer b = ByteBuffer.allocate(30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(22).put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("VP8 ".getBytes(StandardCharsets.US_ASCII)).putInt(10);
        b.put(new byte[] {0x30, 0x01, 0, (byte) 0x9d, 0x01, 0x2a, 0x10, 0, 0x10, 0});
        return b.array();
    }

    /** The ftyp box of an AVIF file, and nothing more. */
    private static byte[] avifBox() {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.putInt(32).put("ftypavif".getBytes(StandardCharsets.US_ASCII)).putInt(0)
                .put("avifmif1miafMA1B".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

}
