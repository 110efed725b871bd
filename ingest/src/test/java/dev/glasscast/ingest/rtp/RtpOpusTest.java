package dev.glasscast.ingest.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RtpOpusTest {

    /** TOC byte: config in the top five bits, stereo flag, frame count code. */
    private static byte toc(int config, int code) {
        return (byte) ((config << 3) | code);
    }

    @Test
    void tocDurationsFollowRfc6716Table2() {
        assertEquals(480, RtpOpusTocReader.durationSamples(new byte[] {toc(0, 0)}), "SILK NB 10 ms");
        assertEquals(2880, RtpOpusTocReader.durationSamples(new byte[] {toc(11, 0)}), "SILK WB 60 ms");
        assertEquals(960, RtpOpusTocReader.durationSamples(new byte[] {toc(15, 0)}), "Hybrid FB 20 ms");
        assertEquals(120, RtpOpusTocReader.durationSamples(new byte[] {toc(16, 0)}), "CELT NB 2.5 ms");
        assertEquals(960, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 0)}), "CELT FB 20 ms, what browsers send");
        assertEquals(1920, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 1), 0}), "code 1: two frames");
        assertEquals(1920, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 2), 1, 0}), "code 2: two frames");
        assertEquals(5760, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 3), 6}), "code 3: six 20 ms frames");
        assertEquals(-1, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 3), 7}), "140 ms is over the limit");
        assertEquals(-1, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 3), 0}), "code 3 with no frames");
        assertEquals(-1, RtpOpusTocReader.durationSamples(new byte[] {toc(31, 3)}), "code 3 without a count byte");
        assertEquals(-1, RtpOpusTocReader.durationSamples(new byte[0]));
        assertEquals(4, RtpOpusTocReader.frameCount(new byte[] {toc(31, 3), (byte) 0xC4}), "VBR and padding flags ignored");
    }

    @Test
    void packetizerTimestampsIn48kHzAndDepacketizerUndoesIt() {
        RtpOpusPacketizer packetizer = new RtpOpusPacketizer(1000);
        RtpOpusDepacketizer depacketizer = new RtpOpusDepacketizer();
        byte[] frame = {toc(31, 0), 1, 2, 3};
        for (int i = 0; i < 5; i++) {
            RtpPayload payload = packetizer.packetize(new AccessUnit(2, 20L * i, 20L * i, 20, true, frame));
            assertEquals(960 * i, payload.timestamp());
            assertFalse(payload.marker());
            assertArrayEquals(frame, payload.payload());
            RtpPacket packet = payload.toPacket(111, 65534 + i, 99, 0x7FFFFFF0);
            ByteBuf wire = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet);
            RtpPacket decoded = new RtpPacketDecoder().decode(wire);
            wire.release();
            if (i == 3) {
                continue;
            }
            Optional<RtpOpusFrame> out = depacketizer.push(decoded);
            assertTrue(out.isPresent());
            assertEquals(0x7FFFFFF0L + 960 * i, out.get().timestamp());
            assertEquals(960, out.get().durationSamples());
            assertEquals(i == 4 ? 1 : 0, out.get().lostBefore());
        }
        assertEquals(1, depacketizer.lostPackets());
        assertTrue(depacketizer.push(65534 + 4, 0, frame).isEmpty(), "duplicate");
        assertTrue(depacketizer.push(65534 + 5, 0, new byte[0]).isEmpty(), "empty payload");
        assertEquals(1, depacketizer.malformedPackets());
        assertThrows(IllegalArgumentException.class,
                () -> packetizer.packetize(new AccessUnit(2, 0, 0, 0, true, new byte[0])));
    }
}
