package net.lennonnet.train;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Augmented views of training images: view 0 is the image itself, views 1..K-1 are flipped, cropped
 * and colour-jittered copies. A view is a pure function of the image's hash and the view number, so
 * its backbone features can be cached like the image's own.
 *
 * @param views  views per training image, 1..32 (1: no augmentation)
 * @param flip   mirror left-right in half of the views
 * @param crop   largest share cut from each side, [0, 0.3]
 * @param jitter largest brightness and contrast change, [0, 0.5]
 */
public record Augmentation(int views, boolean flip, double crop, double jitter) {

    public static final int DEFAULT_VIEWS = 1;
    public static final double DEFAULT_CROP = 0.1;
    public static final double DEFAULT_JITTER = 0.1;

    public Augmentation {
        if (views < 1 || views > 32) {
            throw new IllegalArgumentException("augmented views per image must be 1..32, got " + views);
        }
        if (!(crop >= 0 && crop <= 0.3)) {
            throw new IllegalArgumentException("crop must be in [0, 0.3], got " + crop);
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new IllegalArgumentException("colour jitter must be in [0, 0.5], got " + jitter);
        }
    }

    /** No augmentation: each image is seen as it is. */
    public static Augmentation none() {
        return new Augmentation(1, false, 0, 0);
    }

    /** A string that changes whenever the views would, for cache keys. */
    public String key() {
        return "aug-v1|flip=" + flip + "|crop=" + crop + "|jitter=" + jitter;
    }

    /** View {@code view} of an image; view 0 is the image unchanged. */
    public BufferedImage view(BufferedImage image, String imageSha256, int view) {
        if (view < 0 || view >= views) {
            throw new IllegalArgumentException("view must be 0.." + (views - 1) + ", got " + view);
        }
        if (view == 0) {
            return image;
        }
        Random rnd = new Random(java.util.Arrays.hashCode((imageSha256 + "|" + key() + "|" + view)
                .getBytes(StandardCharsets.UTF_8)) * 0x9E3779B97F4A7C15L);
        int w = image.getWidth();
        int h = image.getHeight();
        int left = (int) Math.round(rnd.nextDouble() * crop * w);
        int right = (int) Math.round(rnd.nextDouble() * crop * w);
        int top = (int) Math.round(rnd.nextDouble() * crop * h);
        int bottom = (int) Math.round(rnd.nextDouble() * crop * h);
        int cw = Math.max(1, w - left - right);
        int ch = Math.max(1, h - top - bottom);
        boolean mirror = flip && rnd.nextBoolean();
        BufferedImage out = new BufferedImage(cw, ch, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (mirror) {
                g.drawImage(image, cw, 0, 0, ch, left, top, left + cw, top + ch, null);
            } else {
                g.drawImage(image, 0, 0, cw, ch, left, top, left + cw, top + ch, null);
            }
        } finally {
            g.dispose();
        }
        if (jitter > 0) {
            float contrast = (float) (1 + (rnd.nextDouble() * 2 - 1) * jitter);
            float brightness = (float) ((rnd.nextDouble() * 2 - 1) * jitter * 128);
            out = net.lennonnet.model.image.Images.toBgr(new RescaleOp(contrast, brightness, null).filter(out, null));
        }
        return out;
    }
}
