package dev.glasscast.config;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bitrates as operators write them: a plain number of bits per second ({@code 2500000}), or
 * with a decimal suffix {@code k} (thousand) or {@code M} (million): {@code 2500k}, {@code 2.5M},
 * {@code 128k}. Suffixes are case-insensitive, as in FFmpeg's {@code -b:v 2500k}.
 */
public final class BitrateText {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmM]?)");

    private BitrateText() {
    }

    /** @throws IllegalArgumentException for anything else, negative numbers included */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a bitrate; write e.g. 2500k, 2.5M or 2500000");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal scaled = switch (m.group(2)) {
            case "k", "K" -> value.movePointRight(3);
            case "m", "M" -> value.movePointRight(6);
            default -> value;
        };
        try {
            return scaled.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a bitrate", e);
        }
    }

    /** The shortest exact form: {@code 2500000} → {@code 2500k}, {@code 3000000} → {@code 3M}. */
    public static String format(long bitsPerSecond) {
        if (bitsPerSecond != 0 && bitsPerSecond % 1_000_000 == 0) {
            return bitsPerSecond / 1_000_000 + "M";
        }
        if (bitsPerSecond != 0 && bitsPerSecond % 1_000 == 0) {
            return bitsPerSecond / 1_000 + "k";
        }
        return Long.toString(bitsPerSecond);
    }
}
