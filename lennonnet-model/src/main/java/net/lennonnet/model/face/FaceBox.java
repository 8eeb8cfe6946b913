package net.lennonnet.model.face;

/** A face found in an image, in that image's pixel coordinates (top-left origin). */
public record FaceBox(int x, int y, int width, int height) {

    public FaceBox {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("not a box: " + x + "," + y + " " + width + "x" + height);
        }
    }

    /** This box in an image {@code factor} times as large (a box found on a scaled-down copy, in the original). */
    public FaceBox scaled(double factor) {
        return new FaceBox((int) Math.round(x * factor), (int) Math.round(y * factor),
                Math.max(1, (int) Math.round(width * factor)), Math.max(1, (int) Math.round(height * factor)));
    }

    public long area() {
        return (long) width * height;
    }
}
