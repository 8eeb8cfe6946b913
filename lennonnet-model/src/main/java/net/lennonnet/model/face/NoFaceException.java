package net.lennonnet.model.face;

/**
 * A model that reads faces ({@code --backbone face}) was given an image in which the detector found no
 * face: there is nothing to answer about, and Lennonnet says so rather than guess. Unchecked, so that the
 * in-memory prediction methods keep their signatures; every entry point turns it into the one-line
 * outcome "no face found" (the CLI, the HTTP API and the web page, the dataset report).
 */
public final class NoFaceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The outcome's wording, the same everywhere. */
    public static final String REASON = "no face found";

    public NoFaceException() {
        super(REASON, null, false, false);
    }
}
