package net.lennonnet.model.image;

import static net.lennonnet.model.TestImages.encode;
import static net.lennonnet.model.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import net.lennonnet.model.TestImages;
import org.junit.jupiter.api.Test;

class ImagesTest {

    @Test
    void decodesPngAndJpegToEightBitBgr() throws IOException {
        BufferedImage red = solid(40, 30, BufferedImage.TYPE_INT_RGB, new Color(200, 10, 20));
        for (String format : new String[] {"png", "jpg", "bmp"}) {
            BufferedImage decoded = Images.decode(encode(red, format), Images.DEFAULT_MAX_PIXELS);
            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
            assertThat(decoded.getWidth()).isEqualTo(40);
            assertThat(decoded.getHeight()).isEqualTo(30);
            Color c = new Color(decoded.getRGB(20, 15));
            assertThat(c.getRed()).as(format).isBetween(190, 210);
            assertThat(c.getBlue()).as(format).isBetween(10, 30);
        }
    }

    @Test
    void compositesTransparencyOntoWhite() throws IOException {
        BufferedImage clear = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        BufferedImage decoded = Images.decode(encode(clear, "png"), Images.DEFAULT_MAX_PIXELS);
        assertThat(decoded.getRGB(3, 3) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void decodesFromMemoryWithoutWritingTheBytesToATemporaryFile() throws Exception {
        // ImageIO's own input streams copy what they read into a file in its cache directory when its cache is on
        // (the default): slower, and untrusted bytes on disk. Watch that directory while decoding.
        byte[] png = encode(noisy(32, 24), "png");
        byte[] jpeg = encode(noisy(32, 24), "jpg");
        java.nio.file.Path cache = java.nio.file.Files.createTempDirectory("imageio-cache");
        boolean useCache = ImageIO.getUseCache();
        java.io.File cacheDirectory = ImageIO.getCacheDirectory();
        try (java.nio.file.WatchService watch = cache.getFileSystem().newWatchService()) {
            cache.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            ImageIO.setUseCache(true);
            ImageIO.setCacheDirectory(cache.toFile());
            for (byte[] encoded : new byte[][] {png, jpeg}) {
                assertThat(Images.decode(encoded, Images.DEFAULT_MAX_PIXELS).getWidth()).isEqualTo(32);
            }
            java.nio.file.WatchKey created = watch.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(created == null ? java.util.List.of() : created.pollEvents()).isEmpty();
        } finally {
            ImageIO.setUseCache(useCache);
            ImageIO.setCacheDirectory(cacheDirectory);
            java.nio.file.Files.delete(cache);
        }
    }

    @Test
    void rejectsEmptyRandomAndTextBytesWithAReason() {
        assertThatThrownBy(() -> Images.decode(new byte[0], 100)).isInstanceOf(UndecodableImageException.class)
                .hasMessage("empty file");
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        assertThatThrownBy(() -> Images.decode(noise, 1_000_000)).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("not an image format");
        byte[] html = "<html><body>Not found</body></html>".getBytes();
        assertThatThrownBy(() -> Images.decode(html, 1_000_000)).isInstanceOf(UndecodableImageException.class);
    }

    @Test
    void rejectsTruncatedPngAndJpeg() throws IOException {
        BufferedImage img = noisy(64, 64);
        for (String format : new String[] {"png", "jpg"}) {
            byte[] whole = encode(img, format);
            byte[] half = Arrays.copyOf(whole, whole.length / 2);
            assertThatThrownBy(() -> Images.decode(half, Images.DEFAULT_MAX_PIXELS)).as(format)
                    .isInstanceOf(UndecodableImageException.class);
        }
    }

    @Test
    void capsTheDecodedRasterByItsBytesNotOnlyItsPixels() throws IOException {
        // 16-bit RGBA: 8 bytes a pixel, where the pixel cap assumed about 4 (issue 19)
        int w = 30;
        int h = 30;
        var colorModel = new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(
                java.awt.color.ColorSpace.CS_sRGB), true, false, java.awt.Transparency.TRANSLUCENT,
                java.awt.image.DataBuffer.TYPE_USHORT);
        BufferedImage deep = new BufferedImage(colorModel, colorModel.createCompatibleWritableRaster(w, h), false, null);
        byte[] deepPng = encode(deep, "png");
        byte[] plainPng = encode(solid(w, h, BufferedImage.TYPE_INT_RGB, Color.GRAY), "png");
        long cap = 1_000; // pixels: 900 fit, and 4,000 raster bytes
        assertThat(Images.decode(plainPng, cap).getWidth()).isEqualTo(w); // 3 bytes a pixel: 2,700
        assertThatThrownBy(() -> Images.decode(deepPng, cap)).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("8 bytes a pixel").hasMessageContaining("over the cap of 4000");
        assertThat(Images.decode(deepPng, 2_000).getWidth()).isEqualTo(w); // 7,200 of 8,000
    }

    @Test
    void refusesADecompressionBombBeforeDecodingIt() throws IOException {
        byte[] png = encode(solid(1, 1, BufferedImage.TYPE_INT_RGB, Color.BLACK), "png");
        // Rewrite the IHDR chunk to declare 30000 x 30000 pixels, with a valid CRC.
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, 30_000).putInt(20, 30_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buf.putInt(29, (int) crc.getValue());
        assertThatThrownBy(() -> Images.decode(png, Images.DEFAULT_MAX_PIXELS))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("30000x30000");
    }

    static BufferedImage noisy(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random rnd = new Random(7);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(0xFFFFFF));
            }
        }
        return img;
    }

    /** A 60x40 image, dark everywhere but a bright 10x10 block in the stored top-left corner. */
    private static BufferedImage marked() {
        BufferedImage img = solid(60, 40, BufferedImage.TYPE_INT_RGB, new Color(20, 20, 20));
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 10, 10);
        g.dispose();
        return img;
    }

    @Test
    void turnsEveryExifOrientationUpright() throws IOException {
        // Where the stored top-left corner must be shown, per orientation (EXIF 2.3, tag 0x0112).
        String[] corner = {null, "top-left", "top-right", "bottom-right", "bottom-left",
            "top-left", "top-right", "bottom-right", "bottom-left"};
        for (int orientation = 1; orientation <= 8; orientation++) {
            byte[] jpeg = TestImages.jpegWithOrientation(marked(), orientation);
            assertThat(Images.exifOrientation(jpeg)).isEqualTo(orientation);
            BufferedImage upright = Images.decode(jpeg, Images.DEFAULT_MAX_PIXELS);
            boolean swapped = orientation >= 5;
            assertThat(upright.getWidth()).as("width, orientation " + orientation).isEqualTo(swapped ? 40 : 60);
            int w = upright.getWidth();
            int h = upright.getHeight();
            int[][] probes = {{4, 4}, {w - 5, 4}, {w - 5, h - 5}, {4, h - 5}};
            String[] names = {"top-left", "top-right", "bottom-right", "bottom-left"};
            for (int i = 0; i < 4; i++) {
                int red = new Color(upright.getRGB(probes[i][0], probes[i][1])).getRed();
                boolean bright = red > 128;
                assertThat(bright).as("orientation %d, %s corner", orientation, names[i])
                        .isEqualTo(names[i].equals(corner[orientation]));
            }
        }
    }

    @Test
    void imagesWithoutExifAreLeftAsStored() {
        assertThat(Images.exifOrientation(TestImages.encode(marked(), "png"))).isEqualTo(1);
        assertThat(Images.exifOrientation(new byte[] {1, 2, 3})).isEqualTo(1);
    }

    @Test
    void fitsImagesWithinAMaximumSideWithoutEnlargingSmallOnes() {
        BufferedImage wide = solid(2000, 1000, BufferedImage.TYPE_3BYTE_BGR, Color.GRAY);
        BufferedImage fitted = Images.fitWithin(wide, 1024);
        assertThat(fitted.getWidth()).isEqualTo(1024);
        assertThat(fitted.getHeight()).isEqualTo(512);
        BufferedImage small = solid(30, 90, BufferedImage.TYPE_3BYTE_BGR, Color.GRAY);
        assertThat(Images.fitWithin(small, 1024)).isSameAs(small);
        assertThat(Images.fitWithin(solid(10, 3000, BufferedImage.TYPE_3BYTE_BGR, Color.GRAY), 160).getWidth())
                .isEqualTo(1); // never zero
    }
}
