package net.lennonnet.data;

/** The three disjoint parts of a dataset; each is a folder of class folders. */
public enum Split {
    TRAIN("train"), VALIDATION("val"), TEST("test");

    private final String folder;

    Split(String folder) {
        this.folder = folder;
    }

    /** The folder name under the dataset root. */
    public String folder() {
        return folder;
    }
}
