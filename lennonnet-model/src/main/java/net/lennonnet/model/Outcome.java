package net.lennonnet.model;

import java.util.Optional;

/**
 * The result for one input of a batch: a prediction, or the one-line reason it has none.
 *
 * @param source     the input as the caller named it (a path, for files)
 * @param prediction present when the input was an image Lennonnet could read
 * @param error      present when it was not
 */
public record Outcome(String source, Optional<Prediction> prediction, Optional<String> error) {

    public Outcome {
        if (prediction.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("an outcome has a prediction or an error, not both or neither");
        }
    }

    static Outcome of(String source, Prediction prediction) {
        return new Outcome(source, Optional.of(prediction), Optional.empty());
    }

    static Outcome failed(String source, String error) {
        return new Outcome(source, Optional.empty(), Optional.of(error));
    }
}
