package dev.glasscast.edge;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in, as a
 * recipient must accept all three. The day name is skipped, not checked against the date.
 * Two-digit RFC 850 years 70–99 are 1970–1999, 00–69 are 2000–2069.
 */
public final class HttpDate {

    /** Longer input is not a date: the longest valid form (RFC 850, "Wednesday, ") is 38 chars. */
    public static final int MAX_LENGTH = 64;

    private static final DateTimeFormatter IMF_FIXDATE_OUT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** IMF-fixdate after "Sun, ": {@code 06 Nov 1994 08:49:37 GMT}. */
    private static final DateTimeFormatter IMF_FIXDATE_IN = strict("dd MMM yyyy HH:mm:ss 'GMT'");
    /** RFC 850 after "Sunday, ": {@code 06-Nov-94 08:49:37 GMT}. */
    private static final DateTimeFormatter RFC_850_IN = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US)
            .withZone(ZoneOffset.UTC);
    /** asctime after "Sun ": {@code Nov  6 08:49:37 1994}. */
    private static final DateTimeFormatter ASCTIME_IN = strict("MMM ppd HH:mm:ss yyyy");

    private HttpDate() {
    }

    public static String format(Instant instant) {
        return IMF_FIXDATE_OUT.format(instant);
    }

    /** The instant {@code text} names, or empty if it is null, too long or not an HTTP date. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String value = text.strip();
        int comma = value.indexOf(',');
        try {
            if (comma == 3) {
                return Optional.of(Instant.from(IMF_FIXDATE_IN.parse(value.substring(comma + 1).strip())));
            }
            if (comma > 3) {
                return Optional.of(Instant.from(RFC_850_IN.parse(value.substring(comma + 1).strip())));
            }
            if (comma < 0 && value.length() > 4 && value.charAt(3) == ' ') {
                return Optional.of(Instant.from(ASCTIME_IN.parse(value.substring(4))));
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .appendPattern(pattern)
                .toFormatter(Locale.US)
                .withZone(ZoneOffset.UTC);
    }
}
