package net.lennonnet.data.synthetic;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.lennonnet.model.graph.Labels;

/**
 * Draws a small, learnable stand-in for the real data, so the whole pipeline can run offline.
 *
 * <p>"john" is a drawn portrait with long hair and round wire glasses. "not_john" mixes portraits
 * of short-haired or bald people, half of them in square glasses, with potato-like objects, a nod
 * to the original project's John-and-potato example. A portrait with long hair but no round
 * glasses is deliberately absent: without ImageNet weights the backbone's random features cannot
 * tell such a fine difference (measured: a fifth of them among the negatives cost about ten points
 * of held-out accuracy). Hair is dark in both classes, so it stands out from every skin tone. Images are a
 * pure function of the seed and their index: the same call draws the same pixels.
 *
 * <p>This data exists for testing the machinery, not for measuring accuracy on real photos.
 */
public final class DemoImages {

    /** The two demo classes, as folder names. */
    public static final String JOHN = Labels.JOHN;
    public static final String NOT_JOHN = Labels.NOT_JOHN;

    private static final Color[] SKIN = {
        new Color(0xF1C27D), new Color(0xE0AC69), new Color(0xFFDBAC), new Color(0xC68642), new Color(0x8D5524)
    };
    static final Color[] HAIR = {
        new Color(0x2B1B0E), new Color(0x4A2F1B), new Color(0x1C1C1C), new Color(0x3B2414), new Color(0x5A3A22)
    };

    private final int size;

    /**
     * @param size edge of the square images in pixels, 32 to 1024
     */
    public DemoImages(int size) {
        if (size < 32 || size > 1024) {
            throw new IllegalArgumentException("image size must be 32..1024 pixels, got " + size);
        }
        this.size = size;
    }

    /** What {@link #write} produced. */
    public record Written(int john, int notJohn, Path root) {}

    /**
     * Writes {@code perClass} PNG images into {@code root/john} and {@code root/not_john}.
     * Existing files of the same name are replaced, so a re-run with the same seed is idempotent.
     */
    public Written write(Path root, int perClass, long seed) throws IOException {
        if (perClass < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, got " + perClass);
        }
        Path johnDir = Files.createDirectories(root.resolve(JOHN));
        Path otherDir = Files.createDirectories(root.resolve(NOT_JOHN));
        for (int i = 0; i < perClass; i++) {
            writePng(john(seed, i), johnDir.resolve(String.format("john_%05d.png", i)));
            Kind kind = notJohnKind(i);
            writePng(notJohn(seed, i), otherDir.resolve(String.format("%s_%05d.png", kind.fileStem, i)));
        }
        return new Written(perClass, perClass, root);
    }

    /**
     * The demo's stand-ins for the other Beatles, never used for training: {@code long_hair} (John's
     * hair without his glasses, the hardest), {@code short_hair} (short-haired or bald people, half in
     * square glasses) and {@code potatoes}, {@code perSet} each under {@code root/analysis/<set>/}.
     */
    public void writeAnalysisSets(Path root, int perSet, long seed) throws IOException {
        Path analysis = root.resolve("analysis");
        Path longHair = Files.createDirectories(analysis.resolve("long_hair"));
        Path shortHair = Files.createDirectories(analysis.resolve("short_hair"));
        Path potatoes = Files.createDirectories(analysis.resolve("potatoes"));
        for (int i = 0; i < perSet; i++) {
            writePng(portrait(new Random(mix(seed, i, 3)), true, false), longHair.resolve(String.format("long_%05d.png", i)));
            Random rnd = new Random(mix(seed, i, 4));
            writePng(portrait(rnd, false, rnd.nextBoolean()), shortHair.resolve(String.format("short_%05d.png", i)));
            writePng(potato(new Random(mix(seed, i, 5))), potatoes.resolve(String.format("potato_%05d.png", i)));
        }
    }

    /** The i-th "john" image for this seed. */
    public BufferedImage john(long seed, int index) {
        Random rnd = new Random(mix(seed, index, 1));
        return portrait(rnd, true, true);
    }

    /**
     * Where the i-th "john" of this seed has his hair and glasses: the same drawing, those white and all else
     * black (no noise). What a model that learned "john" should look at, to check its heatmaps against.
     */
    public BufferedImage johnMarks(long seed, int index) {
        Random rnd = new Random(mix(seed, index, 1));
        return portrait(rnd, true, true, true);
    }

    /** The i-th "not_john" image for this seed: a portrait lacking the glasses-and-hair pair, or a potato. */
    public BufferedImage notJohn(long seed, int index) {
        Random rnd = new Random(mix(seed, index, 2));
        return switch (notJohnKind(index)) {
            case POTATO -> potato(rnd);
            case PERSON -> portrait(rnd, false, rnd.nextBoolean());
        };
    }

    private enum Kind {
        POTATO("potato"), PERSON("person");
        final String fileStem;

        Kind(String fileStem) {
            this.fileStem = fileStem;
        }
    }

    private static Kind notJohnKind(int index) {
        // 40% potatoes, 60% short-haired or bald people, half of them in square glasses.
        return Math.floorMod(index, 5) < 2 ? Kind.POTATO : Kind.PERSON;
    }

    private BufferedImage portrait(Random rnd, boolean longHair, boolean glasses) {
        return portrait(rnd, longHair, glasses, false);
    }

    /** With {@code marks}, the same random draws, the hair and glasses painted white and the rest black. */
    private BufferedImage portrait(Random rnd, boolean longHair, boolean glasses, boolean marks) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas(img, rnd);
        java.util.function.BiFunction<Color, Boolean, Color> paint = (real, mark) -> !marks ? real
                : mark ? Color.WHITE : Color.BLACK;
        if (marks) {
            g.setPaint(Color.BLACK);
            g.fillRect(0, 0, size, size);
        }
        double s = size / 160.0;
        double cx = size / 2.0 + (rnd.nextDouble() - 0.5) * 20 * s;
        double cy = size / 2.0 + (rnd.nextDouble() - 0.5) * 16 * s;
        double faceW = (52 + rnd.nextDouble() * 14) * s;
        double faceH = faceW * (1.25 + rnd.nextDouble() * 0.15);
        g.rotate((rnd.nextDouble() - 0.5) * 0.3, cx, cy);
        Color hair = HAIR[rnd.nextInt(HAIR.length)];
        Color skin = SKIN[rnd.nextInt(SKIN.length)];

        // shoulders
        g.setColor(paint.apply(new Color(rnd.nextInt(160), rnd.nextInt(160), rnd.nextInt(160)), false));
        g.fill(new Ellipse2D.Double(cx - faceW * 1.3, cy + faceH * 0.55, faceW * 2.6, faceH * 1.2));
        if (longHair) {
            // hair falling past the jaw on both sides, parted in the middle
            g.setColor(paint.apply(hair, true));
            g.fill(new RoundRectangle2D.Double(cx - faceW * 0.72, cy - faceH * 0.62, faceW * 1.44, faceH * 1.45,
                    faceW * 0.6, faceW * 0.6));
        }
        g.setColor(paint.apply(skin, false));
        g.fill(new Ellipse2D.Double(cx - faceW / 2, cy - faceH / 2, faceW, faceH));
        g.setColor(paint.apply(hair, true));
        if (longHair) {
            g.fill(new Ellipse2D.Double(cx - faceW * 0.58, cy - faceH * 0.62, faceW * 0.62, faceH * 0.42));
            g.fill(new Ellipse2D.Double(cx - faceW * 0.04, cy - faceH * 0.62, faceW * 0.62, faceH * 0.42));
        } else if (rnd.nextInt(4) > 0) {
            // a short cap of hair; one in four is bald
            g.fill(new Ellipse2D.Double(cx - faceW * 0.52, cy - faceH * 0.6, faceW * 1.04, faceH * 0.45));
        }
        // eyes, nose, mouth
        double eyeY = cy - faceH * 0.06;
        double eyeDx = faceW * 0.2;
        g.setColor(paint.apply(new Color(0x20, 0x20, 0x20), false));
        double eye = 5 * s;
        g.fill(new Ellipse2D.Double(cx - eyeDx - eye / 2, eyeY - eye / 2, eye, eye));
        g.fill(new Ellipse2D.Double(cx + eyeDx - eye / 2, eyeY - eye / 2, eye, eye));
        g.setStroke(new BasicStroke((float) (2 * s)));
        g.setColor(paint.apply(skin.darker(), false));
        g.drawLine((int) cx, (int) (eyeY + 4 * s), (int) (cx - 3 * s), (int) (eyeY + faceH * 0.2));
        g.setColor(paint.apply(new Color(0x8B3A3A), false));
        g.drawArc((int) (cx - faceW * 0.18), (int) (cy + faceH * 0.12), (int) (faceW * 0.36), (int) (faceH * 0.15),
                200, 140);
        if (glasses) {
            double r = faceW * 0.17;
            g.setStroke(new BasicStroke((float) (3.5 * s)));
            g.setColor(paint.apply(longHair ? new Color(0xB8860B) : new Color(0x111111), true));
            if (longHair) {
                // round wire frames: the one thing "john" always has
                g.draw(new Ellipse2D.Double(cx - eyeDx - r, eyeY - r, 2 * r, 2 * r));
                g.draw(new Ellipse2D.Double(cx + eyeDx - r, eyeY - r, 2 * r, 2 * r));
            } else {
                g.draw(new RoundRectangle2D.Double(cx - eyeDx - r * 1.2, eyeY - r * 0.8, 2.4 * r, 1.6 * r, 3, 3));
                g.draw(new RoundRectangle2D.Double(cx + eyeDx - r * 1.2, eyeY - r * 0.8, 2.4 * r, 1.6 * r, 3, 3));
            }
            g.drawLine((int) (cx - eyeDx + r), (int) eyeY, (int) (cx + eyeDx - r), (int) eyeY);
        }
        g.dispose();
        return marks ? img : noisy(img, rnd);
    }

    private BufferedImage potato(Random rnd) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas(img, rnd);
        double cx = size / 2.0 + (rnd.nextDouble() - 0.5) * size * 0.15;
        double cy = size / 2.0 + (rnd.nextDouble() - 0.5) * size * 0.15;
        double rx = size * (0.25 + rnd.nextDouble() * 0.12);
        double ry = rx * (0.6 + rnd.nextDouble() * 0.25);
        double tilt = rnd.nextDouble() * Math.PI;
        Path2D.Double outline = new Path2D.Double();
        int points = 24;
        for (int k = 0; k < points; k++) {
            double a = 2 * Math.PI * k / points;
            double bump = 1 + (rnd.nextDouble() - 0.5) * 0.18;
            double x = Math.cos(a) * rx * bump;
            double y = Math.sin(a) * ry * bump;
            double px = cx + x * Math.cos(tilt) - y * Math.sin(tilt);
            double py = cy + x * Math.sin(tilt) + y * Math.cos(tilt);
            if (k == 0) {
                outline.moveTo(px, py);
            } else {
                outline.lineTo(px, py);
            }
        }
        outline.closePath();
        Color body = new Color(150 + rnd.nextInt(60), 110 + rnd.nextInt(40), 50 + rnd.nextInt(30));
        g.setColor(body);
        g.fill(outline);
        g.setColor(body.darker());
        g.setStroke(new BasicStroke(size / 80f));
        g.draw(outline);
        // a few dark "eyes" on the skin
        for (int k = 0, n = 3 + rnd.nextInt(5); k < n; k++) {
            double a = rnd.nextDouble() * 2 * Math.PI;
            double d = rnd.nextDouble() * 0.7;
            double ex = cx + Math.cos(a) * rx * d;
            double ey = cy + Math.sin(a) * ry * d;
            double e = size * (0.012 + rnd.nextDouble() * 0.015);
            g.setColor(body.darker().darker());
            g.fill(new Ellipse2D.Double(ex - e, ey - e, 2 * e, 2 * e));
        }
        g.dispose();
        return noisy(img, rnd);
    }

    private Graphics2D canvas(BufferedImage img, Random rnd) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color top = new Color(120 + rnd.nextInt(136), 120 + rnd.nextInt(136), 120 + rnd.nextInt(136));
        Color bottom = new Color(60 + rnd.nextInt(136), 60 + rnd.nextInt(136), 60 + rnd.nextInt(136));
        g.setPaint(new java.awt.GradientPaint(0, 0, top, 0, size, bottom));
        g.fillRect(0, 0, size, size);
        return g;
    }

    /** Sensor-like noise, so no two images are pixel-identical and near-duplicate checks stay honest. */
    private static BufferedImage noisy(BufferedImage img, Random rnd) {
        byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xFF) + (int) Math.round(rnd.nextGaussian() * 4);
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return img;
    }

    private static long mix(long seed, int index, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + stream * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    private static void writePng(BufferedImage img, Path file) throws IOException {
        net.lennonnet.model.io.AtomicFiles.writeImage(file, img, "png");
    }

}
