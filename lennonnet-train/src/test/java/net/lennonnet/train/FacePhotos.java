package net.lennonnet.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** Variants of one real photo for the face tests: a square region, scaled, maybe mirrored, lighter or darker. */
final class FacePhotos {

    private FacePhotos() {}

    /**
     * The {@code side} x {@code side} region at ({@code x}, {@code y}) of {@code photo}, drawn into an
     * {@code out} x {@code out} image on grey, mirrored or not, its brightness times {@code light}.
     */
    static BufferedImage variant(BufferedImage photo, int x, int y, int side, int out, boolean mirror, float light) {
        BufferedImage v = new BufferedImage(out, out, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = v.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, out, out);
        if (mirror) {
            g.drawImage(photo, out, 0, 0, out, x, y, x + side, y + side, null);
        } else {
            g.drawImage(photo, 0, 0, out, out, x, y, x + side, y + side, null);
        }
        g.dispose();
        return new java.awt.image.RescaleOp(light, 0, null).filter(v, null);
    }

}
