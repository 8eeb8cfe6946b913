package net.lennonnet.model;

/** A face found in an image, in that image's pixel coordinates (top-left origin). */
public record FaceBox(int x, int y, int width, int height) {

    public FaceBox {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("not a box: " + x + "," + y + " " + width + "x" + height);
        }
    }

    long area() {
        return (long) width * height;
    }
}
