package dev.glasscast.ingest.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RtcpNtpTimeTest {

    @Test
    void unixEpochAndHalfSecondsHaveTheirNtpValues() {
        assertEquals(0x83AA7E80_00000000L, RtcpNtpTime.fromEpochMillis(0));
        assertEquals(0x83AA7E80_80000000L, RtcpNtpTime.fromEpochMillis(500));
        assertEquals(Instant.EPOCH.plusMillis(500), RtcpNtpTime.toInstant(0x83AA7E80_80000000L));
    }

    @Test
    void wallClockRoundTripsToTheNanosecond() {
        Instant now = Instant.parse("2025-06-01T12:34:56.123456789Z");
        assertEquals(now, RtcpNtpTime.toInstant(RtcpNtpTime.fromInstant(now)));
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_010_000L; millis += 7) {
            assertEquals(millis, RtcpNtpTime.toInstant(RtcpNtpTime.fromEpochMillis(millis)).toEpochMilli());
        }
    }

    @Test
    void roundTripTimeFromRfc3550Figure2() {
        // A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s), DLSR = 0x0005:4000 (5.250 s): RTT 6.125 s.
        long arrival = 0xB7108000L << 16;
        assertEquals(0xB7108000, RtcpNtpTime.middle32(arrival));
        RtcpReportBlock block = new RtcpReportBlock(1, 0, 0, 0, 0, 0xB7052000, 0x00054000);
        assertEquals(6_125_000, RtcpNtpTime.roundTripMicros(arrival, block));
        assertEquals(-1, RtcpNtpTime.roundTripMicros(arrival, new RtcpReportBlock(1, 0, 0, 0, 0, 0, 0)), "no SR yet");
        assertEquals(0, RtcpNtpTime.roundTripMicros(0xB7000000L << 16, block), "negative: clock trouble");
    }
}
