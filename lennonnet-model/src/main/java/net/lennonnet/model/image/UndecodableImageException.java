package net.lennonnet.model.image;

import java.io.IOException;

/** The bytes are not an image Lennonnet can use; the message is a one-line reason fit for a user. */
public class UndecodableImageException extends IOException {

    public UndecodableImageException(String reason) {
        super(reason);
    }

    public UndecodableImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
