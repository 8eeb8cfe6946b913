package net.lennonnet.data.report;

/** Why an image was not kept, as the reports count it. */
public final class Reasons {

    private Reasons() {}

    /** "image too large: 30000x30000 ..." -> "image too large"; the whole reason when it has no colon. */
    public static String kindOf(String reason) {
        int colon = reason.indexOf(':');
        return colon > 0 ? reason.substring(0, colon) : reason;
    }
}
