package net.lennonnet.model.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decoding untrusted image bytes into the one pixel format the rest of Lennonnet uses: 8-bit,
 * three-channel, {@link BufferedImage#TYPE_3BYTE_BGR}, alpha composited onto white, turned upright
 * by its EXIF orientation. CMYK and YCCK JPEG, 16-bit, grey and palette images are all converted.
 *
 * <p>The type is decided from the bytes, never from a file name. The declared size is checked
 * against a pixel cap before any pixel is decoded, so a decompression bomb costs nothing, and the
 * whole image is decoded (a header check would let truncated files through).
 */
public final class Images {

    /** Default pixel cap: 40 megapixels, larger than any camera photo worth classifying. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private Images() {}

    /** Largest image file read: 1 GiB, far past any photo under the pixel cap (and a Java array's limit is 2 GiB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /** Decodes a file; see {@link #decode(byte[], long)}. A file over {@link #MAX_FILE_BYTES} is refused unread. */
    public static BufferedImage decode(Path file, long maxPixels) throws IOException {
        return decode(read(file), maxPixels);
    }

    /** A file's bytes, when it is no larger than {@link #MAX_FILE_BYTES}; else an {@link UndecodableImageException}. */
    public static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new UndecodableImageException("file too large: " + size + " bytes, over the cap of " + MAX_FILE_BYTES);
        }
        return Files.readAllBytes(file);
    }

    /**
     * Decodes image bytes to an 8-bit BGR image.
     *
     * @throws UndecodableImageException with a one-line reason when the bytes are empty, not an image,
     *     too large, truncated or otherwise unreadable
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels) throws UndecodableImageException {
        if (bytes.length == 0) {
            throw new UndecodableImageException("empty file");
        }
        // Read from memory: ImageIO.createImageInputStream would copy the bytes into a temporary file first
        // (its disk cache is on by default), which cost 0.55 ms of a 224-pixel PNG's 1.45 ms and wrote
        // untrusted bytes to disk.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UndecodableImageException("not an image format Lennonnet can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width < 1 || height < 1) {
                    throw new UndecodableImageException("image declares no pixels (" + width + "x" + height + ")");
                }
                if (width * height > maxPixels) {
                    throw new UndecodableImageException("image too large: " + width + "x" + height
                            + " pixels is over the cap of " + maxPixels);
                }
                // The pixel cap alone lets a 16-bit RGBA image under it decode to 8 bytes a pixel (320 MB at
                // 40 megapixels): the raster is capped too, at 4 bytes a pixel of the pixel cap.
                long bytesPerPixel = bytesPerPixel(reader);
                long rasterBytes = width * height * bytesPerPixel;
                if (rasterBytes > maxDecodedBytes(maxPixels)) {
                    throw new UndecodableImageException("image too large: " + width + "x" + height + " at "
                            + bytesPerPixel + " bytes a pixel decodes to " + rasterBytes + " bytes, over the cap of "
                            + maxDecodedBytes(maxPixels));
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // The JPEG reader reports a truncated file as a warning and returns grey pixels.
                    throw new UndecodableImageException("damaged " + reader.getFormatName() + ": " + warnings.get(0));
                }
                return orient(toBgr(image), exifOrientation(bytes));
            } finally {
                reader.dispose();
            }
        } catch (UndecodableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's plugins throw IIOException, IndexOutOfBounds, IllegalArgument ... on bad data.
            throw new UndecodableImageException("unreadable image: " + detail(e), e);
        }
    }

    /** The most bytes a decoded raster may take: 4 a pixel (8-bit RGBA) of the pixel cap. */
    public static long maxDecodedBytes(long maxPixels) {
        return maxPixels > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 4 * maxPixels;
    }

    /** Bytes a pixel of the image's own decoded raster takes (all bands' bits, rounded up to bytes). */
    private static long bytesPerPixel(ImageReader reader) throws IOException {
        javax.imageio.ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            return 4; // unknown: assume the most common large case
        }
        int bits = 0;
        for (int size : type.getSampleModel(1, 1).getSampleSize()) {
            bits += size;
        }
        return Math.max(1, (bits + 7) / 8);
    }

    /**
     * The EXIF orientation tag (1..8), or 1 when the image has none or it cannot be read: a camera
     * stores pixels as the sensor saw them and records in this tag how to turn them upright.
     */
    static int exifOrientation(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            for (ExifIFD0Directory dir : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
                if (dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                    int value = dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                    return value >= 1 && value <= 8 ? value : 1;
                }
            }
        } catch (ImageProcessingException | MetadataException | IOException | RuntimeException e) {
            // Damaged metadata is common on the web; the pixels, which decoded, are still usable as stored.
        }
        return 1;
    }

    /** Turns a BGR image upright according to an EXIF orientation value (1 = already upright). */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_3BYTE_BGR);
        for (int dy = 0; dy < out.getHeight(); dy++) {
            for (int dx = 0; dx < out.getWidth(); dx++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - dx; sy = dy; }
                    case 3 -> { sx = w - 1 - dx; sy = h - 1 - dy; }
                    case 4 -> { sx = dx; sy = h - 1 - dy; }
                    case 5 -> { sx = dy; sy = dx; }
                    case 6 -> { sx = dy; sy = h - 1 - dx; }
                    case 7 -> { sx = w - 1 - dy; sy = h - 1 - dx; }
                    default -> { sx = w - 1 - dy; sy = dx; } // 8
                }
                out.setRGB(dx, dy, image.getRGB(sx, sy));
            }
        }
        return out;
    }

    /** A one-line reason for a decoder's exception, in words rather than class names. */
    static String detail(Throwable e) {
        if (e instanceof java.io.EOFException) {
            return "the file ends early";
        }
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").strip();
        if (message.isEmpty() || message.matches("-?\\d+") || message.contains("Exception")) {
            // bare indexes ("Index 5 out of bounds") and class names tell a user nothing
            return e instanceof IndexOutOfBoundsException || e instanceof NegativeArraySizeException
                    ? "corrupt data (a size or offset points outside the file)" : "corrupt data";
        }
        return message;
    }

    /**
     * The longest side an image keeps on its way to the network, wherever it comes from: the scraper
     * stores images at most this large (its default {@code --max-side}), the dataset builder and
     * prediction scale anything larger down to it before the face crop and the final resize, so that a
     * scraped photo and an uploaded one reach the network through the same two resizes.
     */
    public static final int WORKING_SIDE = 1024;

    /** Scales an image down (bilinear) so its longer side is at most {@code maxSide}; smaller images are returned as they are. */
    public static BufferedImage fitWithin(BufferedImage image, int maxSide) {
        int longer = Math.max(image.getWidth(), image.getHeight());
        if (longer <= maxSide) {
            return image;
        }
        double scale = (double) maxSide / longer;
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Converts any decoded image to 8-bit BGR, compositing transparency onto white. */
    public static BufferedImage toBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return bgr;
    }
}
