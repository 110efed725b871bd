package dev.glasscast.ingest.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpPacketCodecTest {

    private final RtpPacketDecoder decoder = new RtpPacketDecoder();

    @Test
    void plainPacketMatchesTheRfc3550Layout() {
        RtpPacket packet = RtpPacket.of(true, 96, 0xABCD, 0xDEADBEEF, 0x12345678, new byte[] {1, 2, 3});
        ByteBuf wire = RtpPacketEncoder.encode(PooledByteBufAllocator.DEFAULT, packet);
        try {
            assertEquals("80e0abcddeadbeef12345678010203", ByteBufUtil.hexDump(wire));
            RtpPacket back = decoder.decode(wire);
            assertEquals(0, wire.readerIndex(), "decode leaves the reader index alone");
            assertTrue(back.marker());
            assertEquals(96, back.payloadType());
            assertEquals(0xABCD, back.sequence());
            assertEquals(0xDEADBEEFL, back.unsignedTimestamp());
            assertEquals(0x12345678, back.ssrc());
            assertArrayEquals(new byte[] {1, 2, 3}, back.payload());
            assertFalse(back.extensions().present());
        } finally {
            assertTrue(wire.release());
        }
    }

    @Test
    void csrcsOneByteExtensionsAndPaddingRoundTrip() {
        RtpHeaderExtensions extensions = RtpHeaderExtensions.of(
                RtpHeaderExtension.transportSequence(3, 0xFFFE), RtpHeaderExtension.absSendTime(2, 1_500_000_000L));
        assertEquals(RtpHeaderExtensions.PROFILE_ONE_BYTE, extensions.profile());
        RtpPacket packet = new RtpPacket(false, 111, 7, 960, 42, new int[] {5, 6}, extensions, new byte[] {9, 9}, 3);
        ByteBuf wire = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet);
        assertEquals(packet.encodedLength(), wire.readableBytes());
        // V=2 P=1 X=1 CC=2; extension: BEDE, one word... two elements (3+4 bytes) padded to 8.
        assertEquals(0xB2, wire.getUnsignedByte(0));
        assertEquals(0xBEDE, wire.getUnsignedShort(20));
        assertEquals(2, wire.getUnsignedShort(22));
        assertEquals(0x31, wire.getUnsignedByte(24), "id 3, length 2");
        assertEquals(3, wire.getUnsignedByte(wire.writerIndex() - 1), "padding count");
        RtpPacket back = decoder.decode(wire);
        wire.release();
        assertArrayEquals(new int[] {5, 6}, back.csrcs());
        assertEquals(3, back.paddingLength());
        assertArrayEquals(new byte[] {9, 9}, back.payload());
        assertEquals(0xFFFE, back.extensions().find(3).transportSequenceValue());
        assertEquals(3 << 17, back.extensions().find(2).absSendTimeValue(), "1.5 s in 6.18 fixed point");
        assertNull(back.extensions().find(4));
    }

    @Test
    void twoByteExtensionsAreChosenForLargeIdsAndRoundTrip() {
        RtpHeaderExtensions extensions = RtpHeaderExtensions.of(
                new RtpHeaderExtension(20, new byte[] {1, 2, 3}), new RtpHeaderExtension(1, new byte[0]));
        assertEquals(RtpHeaderExtensions.PROFILE_TWO_BYTE, extensions.profile());
        RtpPacket packet = RtpPacket.of(false, 96, 1, 2, 3, new byte[] {4}).withExtensions(extensions);
        ByteBuf wire = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet);
        RtpPacket back = decoder.decode(wire);
        wire.release();
        assertEquals(2, back.extensions().elements().size());
        assertArrayEquals(new byte[] {1, 2, 3}, back.extensions().find(20).data());
        assertEquals(0, back.extensions().find(1).data().length);
    }

    @Test
    void oneByteIdFifteenEndsTheBlockAndOtherProfilesStayOpaque() {
        // RFC 8285 4.2: after id 15 nothing more is read, whatever its length says.
        byte[] wire = hex("906000010000000200000003" + "BEDE0001" + "10AAF0BB" + "77");
        RtpPacket packet = decoder.decode(Unpooled.wrappedBuffer(wire));
        assertArrayEquals(new byte[] {0x77}, packet.payload());
        assertEquals(1, packet.extensions().elements().size());
        assertArrayEquals(new byte[] {(byte) 0xAA}, packet.extensions().find(1).data());

        byte[] opaque = hex("900000010000000200000003" + "ABCD0001" + "01020304" + "55");
        RtpPacket other = decoder.decode(Unpooled.wrappedBuffer(opaque));
        assertEquals(0xABCD, other.extensions().profile());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, other.extensions().opaque());
        ByteBuf again = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, other);
        assertArrayEquals(opaque, ByteBufUtil.getBytes(again));
        again.release();
    }

    @Test
    void malformedPacketsAreRefusedWithTheDocumentedExceptionOnly() {
        String header = "80600001000000020000000300";
        assertThrows(RtpFormatException.class, () -> decoder.decode(Unpooled.wrappedBuffer(new byte[11])), "short");
        assertThrows(RtpFormatException.class, () -> decoder.decode(Unpooled.wrappedBuffer(hex("40" + header.substring(2)))),
                "version 1");
        assertThrows(RtpFormatException.class, () -> decoder.decode(Unpooled.wrappedBuffer(hex("8F" + header.substring(2)))),
                "fifteen CSRCs in a 13-byte packet");
        assertThrows(RtpFormatException.class,
                () -> decoder.decode(Unpooled.wrappedBuffer(hex("906000010000000200000003BEDEFFFF"))), "extension length");
        assertThrows(RtpFormatException.class,
                () -> decoder.decode(Unpooled.wrappedBuffer(hex("906000010000000200000003BEDE00011F000000"))),
                "element runs past the block");
        assertThrows(RtpFormatException.class, () -> decoder.decode(Unpooled.wrappedBuffer(hex("A0600001000000020000000300"))),
                "padding count 0");
        assertThrows(RtpFormatException.class, () -> decoder.decode(Unpooled.wrappedBuffer(hex("A06000010000000200000003FF"))),
                "padding past the payload");
        assertThrows(RtpFormatException.class, () -> new RtpPacketDecoder(100).decode(Unpooled.wrappedBuffer(new byte[101])),
                "over the size limit");
    }

    @Test
    void randomDatagramsNeverThrowAnythingElse() {
        Random random = new Random(15);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(80)];
            random.nextBytes(junk);
            if (junk.length > 0 && random.nextBoolean()) {
                junk[0] = (byte) (0x80 | (junk[0] & 0x3F));
            }
            ByteBuf buf = Unpooled.wrappedBuffer(junk);
            try {
                RtpPacket packet = decoder.decode(buf);
                decoded++;
                // What decodes re-encodes stably: encode(decode(encode(p))) == encode(p).
                ByteBuf once = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet);
                ByteBuf twice = RtpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, decoder.decode(once));
                assertEquals(once, twice);
                once.release();
                twice.release();
            } catch (RtpFormatException expected) {
                // refused, as documented
            }
        }
        assertTrue(decoded > 100, "some junk is valid RTP: " + decoded);
    }

    @Test
    void classifiesDatagramsOnASharedPort() {
        assertTrue(RtpPacketDecoder.isRtpOrRtcp(Unpooled.wrappedBuffer(hex("80600001"))));
        assertFalse(RtpPacketDecoder.isRtcp(Unpooled.wrappedBuffer(hex("80600001"))));
        assertTrue(RtpPacketDecoder.isRtcp(Unpooled.wrappedBuffer(hex("81C90001"))), "RR");
        assertFalse(RtpPacketDecoder.isRtpOrRtcp(Unpooled.wrappedBuffer(hex("0001002C"))), "STUN binding request");
        assertFalse(RtpPacketDecoder.isRtpOrRtcp(Unpooled.wrappedBuffer(hex("16FEFD"))), "DTLS handshake");
    }

    @Test
    void absSendTimeWrapsEverySixtyFourSeconds() {
        assertEquals(0, RtpHeaderExtension.absSendTime(1, 64_000_000_000L).absSendTimeValue());
        assertEquals(1 << 18, RtpHeaderExtension.absSendTime(1, 65_000_000_000L).absSendTimeValue());
        assertEquals(0xFFFFFF, RtpHeaderExtension.absSendTime(1, 63_999_999_999L).absSendTimeValue());
        assertEquals(List.of(), RtpHeaderExtensions.NONE.elements());
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex);
    }
}
