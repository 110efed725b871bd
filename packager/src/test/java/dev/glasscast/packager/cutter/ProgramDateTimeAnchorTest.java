package dev.glasscast.packager.cutter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.glasscast.packager.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgramDateTimeAnchorTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final ProgramDateTimeAnchor anchor = new ProgramDateTimeAnchor(clock);

    @Test
    void aRungArrivingLaterGetsTheMappingTheAudioSet() {
        ProgramDateTimeAnchor.Mapping audio = anchor.mappingFor(10_000_000_000L);
        // The transcoded rung's first picture of the same media time comes 0.4 s later.
        clock.advance(Duration.ofMillis(400));
        ProgramDateTimeAnchor.Mapping rung = anchor.mappingFor(10_000_000_000L);
        assertSame(audio, rung);
        assertEquals(T0.plusSeconds(2), rung.at(12_000_000_000L));
    }

    @Test
    void itMovesOnlyWhenTheMediaTimeHasDriftedFromTheWallClock() {
        ProgramDateTimeAnchor.Mapping before = anchor.mappingFor(0);
        // The slate filled an outage: media time kept up with the wall clock.
        clock.advance(Duration.ofSeconds(30));
        assertSame(before, anchor.mappingFor(30_000_000_000L + 2_000_000_000L));
        // Nothing filled the next one: the timeline continues 20 s behind the wall clock.
        clock.advance(Duration.ofSeconds(50));
        ProgramDateTimeAnchor.Mapping after = anchor.mappingFor(60_000_000_000L);
        assertEquals(T0.plusSeconds(80), after.at(60_000_000_000L));
        assertSame(after, anchor.mappingFor(60_500_000_000L), "the next rendition to break joins it");
    }
}
