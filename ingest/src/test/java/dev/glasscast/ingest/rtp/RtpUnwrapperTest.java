package dev.glasscast.ingest.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RtpUnwrapperTest {

    @Test
    void sequenceNumbersUnwrapAcrossTheWrapAndKeepLatePacketsBehind() {
        RtpSequenceUnwrapper unwrapper = new RtpSequenceUnwrapper();
        assertEquals(-1, unwrapper.highest());
        assertEquals(65534, unwrapper.unwrap(65534));
        assertEquals(65535, unwrapper.unwrap(65535));
        assertEquals(65536, unwrapper.unwrap(0));
        assertEquals(65533, unwrapper.unwrap(65533), "late, from before the wrap");
        assertEquals(65538, unwrapper.unwrap(2));
        assertEquals(65537, unwrapper.unwrap(1), "reordered");
        assertEquals(65538, unwrapper.highest());
        long value = 65538;
        for (int i = 0; i < 200_000; i++) {
            value += 100;
            assertEquals(value, unwrapper.unwrap((int) (value & 0xFFFF)));
        }
    }

    @Test
    void earlyLatePacketsMayUnwrapBelowZero() {
        RtpSequenceUnwrapper unwrapper = new RtpSequenceUnwrapper();
        assertEquals(3, unwrapper.unwrap(3));
        assertEquals(-2, unwrapper.unwrap(65534));
    }

    @Test
    void timestampsUnwrapAcrossThe32BitWrap() {
        RtpTimestampUnwrapper unwrapper = new RtpTimestampUnwrapper();
        assertEquals(0xFFFFF000L, unwrapper.unwrap(0xFFFFF000));
        assertEquals(0x100000BB8L, unwrapper.unwrap(0x00000BB8), "3000 ticks past the wrap");
        assertEquals(0xFFFFF000L + 1500, unwrapper.unwrap(0xFFFFF000 + 1500), "a B-frame before the wrap");
        assertEquals(0x100000BB8L + 3000, unwrapper.unwrap(0x00000BB8 + 3000));
        // Thirteen hours of 30 fps at 90 kHz: several more wraps.
        long value = 0x100000BB8L + 3000;
        for (int i = 0; i < 30 * 3600 * 13 * 3; i++) {
            value += 3000;
            assertEquals(value, unwrapper.unwrap((int) value));
        }
    }
}
