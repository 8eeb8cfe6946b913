package net.lennonnet.model;

import java.time.Duration;
import java.util.Optional;

/**
 * The answer for one image.
 *
 * @param label           {@code john} or {@code not_john}, by the model's threshold
 * @param probabilityJohn P(john), in [0, 1]
 * @param elapsed         time from decoded image to answer
 * @param face            the face the image was cropped around, when the model uses face crop and
 *                        found one; in the decoded (upright) image's coordinates
 */
public record Prediction(String label, double probabilityJohn, Duration elapsed, Optional<FaceBox> face) {

    /** P(not_john) = 1 - P(john). */
    public double probabilityNotJohn() {
        return 1 - probabilityJohn;
    }

    public boolean isJohn() {
        return Labels.JOHN.equals(label);
    }
}
