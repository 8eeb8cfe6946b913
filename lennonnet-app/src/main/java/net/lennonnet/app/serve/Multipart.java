package net.lennonnet.app.serve;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first file of a {@code multipart/form-data} body that has already been read, whole and within
 * the upload cap. The server parses forms itself instead of letting Vert.x decode them as they
 * arrive, because that decoder keeps every text field in memory outside any cap (a 60 MB text field
 * before a small image got through a 10 MB cap).
 */
final class Multipart {

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern FILENAME = Pattern.compile("(?i)content-disposition:[^\\r\\n]*\\bfilename\\*?=");

    private Multipart() {}

    /** A form that cannot be parsed. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The content of the first part with a file name, or empty when the form has no file. */
    static Optional<byte[]> firstFile(byte[] body, String contentType) throws MalformedException {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new MalformedException("multipart/form-data without a boundary");
        }
        byte[] delimiter = ("--" + (m.group(1) != null ? m.group(1) : m.group(2))).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw new MalformedException("the form's boundary never appears in the body");
        }
        while (true) {
            int lineEnd = at + delimiter.length;
            if (lineEnd + 2 <= body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                return Optional.empty(); // the closing delimiter
            }
            int headersStart = indexOf(body, new byte[] {'\r', '\n'}, lineEnd);
            int headersEnd = headersStart < 0 ? -1 : indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, headersStart);
            if (headersEnd < 0) {
                throw new MalformedException("a form part has no end of headers");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
            int contentStart = headersEnd + 4;
            int next = indexOf(body, concat(new byte[] {'\r', '\n'}, delimiter), contentStart);
            if (next < 0) {
                throw new MalformedException("a form part is not closed by the boundary");
            }
            if (FILENAME.matcher(headers.toLowerCase(Locale.ROOT)).find()) {
                return Optional.of(Arrays.copyOfRange(body, contentStart, next));
            }
            at = next + 2;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
