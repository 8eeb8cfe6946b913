package net.lennonnet.model;

import java.time.Duration;
import java.util.Optional;
import net.lennonnet.model.face.FaceBox;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.graph.Labels;

/**
 * The answer for one image.
 *
 * @param label           {@code john} or {@code not_john}, by the model's threshold
 * @param probabilityJohn P(john), in [0, 1]
 * @param elapsed         time from decoded image to answer
 * @param face            the face the image was cropped around or aligned from, when the model reads
 *                        faces and found one; in the decoded (upright) image's coordinates
 * @param keypoints       for a face-aligned model, that face's six keypoints ({@link FaceDetection}), in
 *                        the same coordinates; empty otherwise
 */
public record Prediction(String label, double probabilityJohn, Duration elapsed, Optional<FaceBox> face,
        java.util.List<FaceDetection.Point> keypoints) {

    /** A prediction without keypoints. */
    public Prediction(String label, double probabilityJohn, Duration elapsed, Optional<FaceBox> face) {
        this(label, probabilityJohn, elapsed, face, java.util.List.of());
    }

    public Prediction {
        keypoints = keypoints == null ? java.util.List.of() : java.util.List.copyOf(keypoints);
    }

    /** P(not_john) = 1 - P(john). */
    public double probabilityNotJohn() {
        return 1 - probabilityJohn;
    }

    public boolean isJohn() {
        return Labels.JOHN.equals(label);
    }
}
