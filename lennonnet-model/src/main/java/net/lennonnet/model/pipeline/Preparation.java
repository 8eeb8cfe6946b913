package net.lennonnet.model.pipeline;

import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.face.NoFaceException;

/**
 * How an image is prepared before it becomes network input: the one name for it in the input contract,
 * the dataset's configuration and report, and the pipeline.
 */
public enum Preparation {
    /** The whole image, scaled to the working side only. */
    WHOLE,
    /** Then cut around the largest face ({@link FaceCrop}); an image without a face stays whole. */
    FACE_CROP,
    /**
     * Then the aligned 150 x 150 chip of the largest face ({@link BlazeFace}; the Haar cascade when it
     * finds none; {@link FaceAlign}); no face, no input ({@link NoFaceException}).
     */
    FACE_ALIGN;

    /** Whether a face is looked for at all. */
    public boolean findsFaces() {
        return this != WHOLE;
    }

    /** From the two flags older files (and the command line) use; both set is an error. */
    public static Preparation of(boolean faceCrop, boolean faceAlign) {
        if (faceCrop && faceAlign) {
            throw new IllegalArgumentException("face crop and face alignment are two ways of preparing; choose one");
        }
        return faceAlign ? FACE_ALIGN : faceCrop ? FACE_CROP : WHOLE;
    }
}
