package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.edge.RangeDecision.Full;
import dev.glasscast.edge.RangeDecision.Partial;
import dev.glasscast.edge.RangeDecision.Unsatisfiable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeDecisionTest {

    private static final long LENGTH = 1000;

    @Test
    void aClosedRangeIsServedAsIs() {
        Partial partial = (Partial) RangeDecision.of("bytes=0-499", LENGTH);
        assertEquals(new Partial(0, 499, LENGTH), partial);
        assertEquals(500, partial.length());
        assertEquals("bytes 0-499/1000", partial.contentRange());
    }

    @Test
    void aRangePastTheEndIsClampedToTheLastByte() {
        assertEquals(new Partial(900, 999, LENGTH), RangeDecision.of("bytes=900-5000", LENGTH));
    }

    @Test
    void anOpenEndedRangeRunsToTheEnd() {
        assertEquals(new Partial(200, 999, LENGTH), RangeDecision.of("bytes=200-", LENGTH));
        assertEquals(new Partial(999, 999, LENGTH), RangeDecision.of("bytes=999-", LENGTH));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        assertEquals(new Partial(900, 999, LENGTH), RangeDecision.of("bytes=-100", LENGTH));
        assertEquals(new Partial(0, 999, LENGTH), RangeDecision.of("bytes=-5000", LENGTH), "longer than the object: all of it");
    }

    @Test
    void theUnitIsCaseInsensitiveAndSpacesAreTolerated() {
        assertEquals(new Partial(1, 2, LENGTH), RangeDecision.of(" Bytes = 1 - 2 ", LENGTH));
    }

    @Test
    void rangesStartingAtOrPastTheEndAreUnsatisfiable() {
        Unsatisfiable unsatisfiable = (Unsatisfiable) RangeDecision.of("bytes=1000-", LENGTH);
        assertEquals("bytes */1000", unsatisfiable.contentRange());
        assertEquals(new Unsatisfiable(LENGTH), RangeDecision.of("bytes=5000-6000", LENGTH));
        assertEquals(new Unsatisfiable(LENGTH), RangeDecision.of("bytes=-0", LENGTH));
        assertEquals(new Unsatisfiable(0), RangeDecision.of("bytes=0-", 0));
        assertEquals(new Unsatisfiable(0), RangeDecision.of("bytes=-10", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "bytes=1-2-3", "bytes=+1-2", "bytes=0x10-",
            "items=0-10", "bytes=99999999999999999999-", "bytes=-99999999999999999999", "bytes=1 2-3", "=0-1",
            "bytes=\u0661-\u0662"})
    void malformedRangesAreIgnored(String header) {
        assertEquals(new Full(), RangeDecision.of(header, LENGTH));
    }

    @Test
    void multipleRangesAreAnsweredWithTheWholeObject() {
        assertEquals(new Full(), RangeDecision.of("bytes=0-0,-1", LENGTH));
        assertEquals(new Full(), RangeDecision.of("bytes=0-10, 20-30", LENGTH));
    }

    @Test
    void absentOrOversizedHeadersAreIgnored() {
        assertEquals(new Full(), RangeDecision.of(null, LENGTH));
        assertEquals(new Full(), RangeDecision.of("bytes=0-1" + " ".repeat(RangeDecision.MAX_HEADER_LENGTH), LENGTH));
    }
}
