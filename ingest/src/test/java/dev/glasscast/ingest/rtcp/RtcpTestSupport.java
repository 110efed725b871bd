package dev.glasscast.ingest.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;

/** Encodes with pooled buffers and releases them, so the paranoid leak detector sees every buffer. */
final class RtcpTestSupport {

    private RtcpTestSupport() {
    }

    static byte[] encode(RtcpPacket... packets) {
        ByteBuf buf = RtcpPacketEncoder.encode(PooledByteBufAllocator.DEFAULT, List.of(packets));
        try {
            assertEquals(0, buf.readableBytes() % 4, "RTCP is a whole number of 32-bit words");
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static List<RtcpPacket> decode(byte[] wire) {
        return new RtcpPacketDecoder().decode(Unpooled.wrappedBuffer(wire));
    }

    static RtcpPacket roundTrip(RtcpPacket packet) {
        List<RtcpPacket> packets = decode(encode(packet));
        assertEquals(1, packets.size());
        return packets.get(0);
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
