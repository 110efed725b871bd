package dev.glasscast.ingest.sdp;

/** Parsing of the numbers and tokens in SDP lines, with the failure as an {@link SdpParseException}. */
final class SdpTokens {

    private SdpTokens() {
    }

    /** A decimal integer in {@code min..max}; digits only, so no sign or spaces slip through. */
    static long parseLong(String text, long min, long max, String what) throws SdpParseException {
        if (text.isEmpty() || text.length() > 20) {
            throw new SdpParseException(what + " is not a number: '" + shorten(text) + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new SdpParseException(what + " is not a number: '" + shorten(text) + "'");
            }
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new SdpParseException(what + " " + value + " is outside " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new SdpParseException(what + " is too large: '" + shorten(text) + "'");
        }
    }

    static int parseInt(String text, int min, int max, String what) throws SdpParseException {
        return (int) parseLong(text, min, max, what);
    }

    /** {@code value} split on runs of spaces, at least {@code min} parts. */
    static String[] split(String value, int min, String what) throws SdpParseException {
        String[] parts = value.trim().split(" +");
        if (parts.length < min || parts[0].isEmpty()) {
            throw new SdpParseException(what + " needs at least " + min + " fields: '" + shorten(value) + "'");
        }
        return parts;
    }

    /** At most 60 characters of {@code text}, so that error messages never echo a whole body. */
    static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
