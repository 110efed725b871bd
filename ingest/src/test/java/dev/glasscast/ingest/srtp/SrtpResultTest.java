package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SrtpResultTest {

    @Test
    void aRefusalCarriesItsReasonForCounters() {
        SrtpResult result = new SrtpResult.Refused(SrtpResult.Reason.REPLAY, "seen");
        String counted = switch (result) {
            case SrtpResult.Packet p -> "packet";
            case SrtpResult.Refused r -> r.reason().name();
        };
        assertEquals("REPLAY", counted);
    }
}
