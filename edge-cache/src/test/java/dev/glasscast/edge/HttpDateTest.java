package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {

    private static final Instant RFC_EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

    @Test
    void formatsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(RFC_EXAMPLE));
    }

    @Test
    void parsesAllThreeFormsOfRfc9110() {
        assertEquals(Optional.of(RFC_EXAMPLE), HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(Optional.of(RFC_EXAMPLE), HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(Optional.of(RFC_EXAMPLE), HttpDate.parse("Sun Nov  6 08:49:37 1994"));
    }

    @Test
    void roundTripsWhatItFormats() {
        Instant now = Instant.parse("2026-11-25T10:58:45Z");
        assertEquals(Optional.of(now), HttpDate.parse(HttpDate.format(now)));
    }

    @Test
    void twoDigitYearsBelowSeventyAreThisCentury() {
        assertEquals(Optional.of(Instant.parse("2026-11-25T10:58:45Z")), HttpDate.parse("Wednesday, 25-Nov-26 10:58:45 GMT"));
    }

    @Test
    void theDayNameIsNotCheckedAgainstTheDate() {
        assertEquals(Optional.of(RFC_EXAMPLE), HttpDate.parse("Mon, 06 Nov 1994 08:49:37 GMT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "Sun, 06 Nov 1994", "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET",
            "1994-11-06T08:49:37Z", "Sun Nov  6 08:49:37", ",,,,,", "Sun,"})
    void garbageIsNotADate(String text) {
        assertTrue(HttpDate.parse(text).isEmpty(), text);
    }

    @Test
    void nullAndOversizedInputAreNotDates() {
        assertTrue(HttpDate.parse(null).isEmpty());
        assertTrue(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT" + " ".repeat(HttpDate.MAX_LENGTH)).isEmpty());
    }
}
