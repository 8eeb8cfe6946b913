package net.lennonnet.backbones;

import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;

/** The backbones a head can be trained on, and which prepared images each reads. */
public enum BackboneKind {
    /** ResNet-50 with ImageNet weights: whole photos or face crops. */
    RESNET50,
    /** dlib's face descriptor: 128 numbers per aligned face; needs a {@code dataset --face-align} dataset. */
    FACE;

    /** {@code resnet50} or {@code face}, as the command line writes it. */
    public static BackboneKind parse(String name) {
        for (BackboneKind k : values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("backbone must be resnet50 or face, got " + name);
    }

    /**
     * Refuses a dataset whose images this backbone cannot read.
     *
     * @param dataset the dataset's name, for the message
     */
    public void check(Preparation preparation, Object dataset) {
        if (this == FACE && preparation != Preparation.FACE_ALIGN) {
            throw new IllegalArgumentException("--backbone face reads aligned face chips: build the dataset with "
                    + "'lennonnet dataset --face-align' (" + dataset + " was built without it)");
        }
        if (this == RESNET50 && preparation == Preparation.FACE_ALIGN) {
            throw new IllegalArgumentException(dataset + " holds aligned face chips ('dataset --face-align'): "
                    + "train on it with --backbone face");
        }
    }

    /**
     * The input contract features of {@code backbone} are read with from images prepared as {@code preparation}:
     * the face descriptor's own; ResNet-50's with the dataset's preparation.
     */
    public InputContract contract(Backbone backbone, Preparation preparation) {
        check(preparation, "the dataset");
        return this == FACE ? backbone.input() : backbone.input().with(preparation);
    }
}
