package dev.glasscast.edge;

/**
 * What to answer a {@code Range} request with (RFC 9110 §14). Only single byte ranges are
 * served; anything else is answered with the whole object, which the RFC allows a server to do
 * for any Range header it chooses to ignore:
 * <ul>
 *   <li>no header, another unit, a malformed value, or more than one range → {@link Full} (200);
 *   <li>one satisfiable range → {@link Partial} (206), clamped to the object's end;
 *   <li>one well-formed range that starts at or past the end, or a zero-length suffix →
 *       {@link Unsatisfiable} (416 with {@code Content-Range: bytes *}{@code /length}).
 * </ul>
 * Multipart/byteranges is not implemented: players ask for one range at a time.
 */
public sealed interface RangeDecision {

    /** A Range header longer than this is ignored: one range of two 18-digit numbers is ~45 chars. */
    int MAX_HEADER_LENGTH = 256;
    /** Digits of a position; more would overflow a long. */
    int MAX_DIGITS = 18;

    /** Serve the whole object with 200. */
    record Full() implements RangeDecision {
    }

    /**
     * Serve bytes {@code first..last} (inclusive) with 206.
     *
     * @param completeLength the object's whole size
     */
    record Partial(long first, long last, long completeLength) implements RangeDecision {
        public long length() {
            return last - first + 1;
        }

        /** The {@code Content-Range} value, e.g. {@code bytes 0-499/1234}. */
        public String contentRange() {
            return "bytes " + first + '-' + last + '/' + completeLength;
        }
    }

    /** Answer 416. */
    record Unsatisfiable(long completeLength) implements RangeDecision {
        /** The {@code Content-Range} value, {@code bytes *}{@code /length}. */
        public String contentRange() {
            return "bytes */" + completeLength;
        }
    }

    /** Evaluates a {@code Range} header value against an object of {@code completeLength} bytes; never throws. */
    static RangeDecision of(String header, long completeLength) {
        if (header == null || header.length() > MAX_HEADER_LENGTH || completeLength < 0) {
            return new Full();
        }
        String value = header.strip();
        int equals = value.indexOf('=');
        if (equals < 0 || !value.substring(0, equals).strip().equalsIgnoreCase("bytes")) {
            return new Full();
        }
        String spec = value.substring(equals + 1).strip();
        if (spec.indexOf(',') >= 0) {
            return new Full();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Full();
        }
        String firstText = spec.substring(0, dash).strip();
        String lastText = spec.substring(dash + 1).strip();
        if (firstText.isEmpty()) {
            long suffix = parsePosition(lastText);
            if (suffix < 0) {
                return new Full();
            }
            if (suffix == 0 || completeLength == 0) {
                return new Unsatisfiable(completeLength);
            }
            return new Partial(Math.max(0, completeLength - suffix), completeLength - 1, completeLength);
        }
        long first = parsePosition(firstText);
        if (first < 0) {
            return new Full();
        }
        long last;
        if (lastText.isEmpty()) {
            last = Long.MAX_VALUE;
        } else {
            last = parsePosition(lastText);
            if (last < 0 || last < first) {
                return new Full();
            }
        }
        if (first >= completeLength) {
            return new Unsatisfiable(completeLength);
        }
        return new Partial(first, Math.min(last, completeLength - 1), completeLength);
    }

    /** A non-negative decimal of at most {@link #MAX_DIGITS} digits, or -1. */
    private static long parsePosition(String digits) {
        if (digits.isEmpty() || digits.length() > MAX_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
