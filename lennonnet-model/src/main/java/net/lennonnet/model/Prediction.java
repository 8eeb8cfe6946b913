package net.lennonnet.model;

import java.time.Duration;

/**
 * The answer for one image.
 *
 * @param label           {@code john} or {@code not_john}, by the model's threshold
 * @param probabilityJohn P(john), in [0, 1]
 * @param elapsed         time from decoded image to answer
 */
public record Prediction(String label, double probabilityJohn, Duration elapsed) {

    /** P(not_john) = 1 - P(john). */
    public double probabilityNotJohn() {
        return 1 - probabilityJohn;
    }

    public boolean isJohn() {
        return Labels.JOHN.equals(label);
    }
}
