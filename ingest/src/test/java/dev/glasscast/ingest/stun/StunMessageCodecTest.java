package dev.glasscast.ingest.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StunMessageCodecTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final byte[] KEY = StunMessageIntegrity.shortTermKey(StunVectors.PASSWORD);
    private final StunMessageDecoder decoder = new StunMessageDecoder();

    @Test
    void rfc5769SampleRequestDecodesWithEveryAttribute() throws Exception {
        StunMessage request = decoder.decode(Unpooled.wrappedBuffer(StunVectors.REQUEST));
        assertEquals(StunMessageClass.REQUEST, request.messageClass());
        assertEquals(StunMethod.BINDING, request.method());
        assertEquals(StunVectors.TRANSACTION_ID, HexFormat.of().formatHex(request.transactionId()));
        List<StunAttribute> attributes = request.attributes();
        assertEquals(6, attributes.size());
        StunAttribute.Raw software = (StunAttribute.Raw) attributes.get(0);
        assertEquals(StunAttribute.TYPE_SOFTWARE, software.type());
        assertEquals("STUN test client", new String(software.value(), StandardCharsets.UTF_8));
        assertEquals(new StunAttribute.Priority(0x6e0001ffL), attributes.get(1));
        assertEquals(new StunAttribute.IceControlled(0x932ff9b151263b36L), attributes.get(2));
        assertEquals(new StunAttribute.Username("evtj:h6vY"), attributes.get(3), "padding spaces are not part of it");
        assertArrayEquals(StunVectors.hex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"),
                ((StunAttribute.MessageIntegrity) attributes.get(4)).hmac());
        assertEquals(new StunAttribute.Fingerprint(0xe57a3bcf), attributes.get(5));
        assertEquals(0, request.unknownComprehensionRequired().length, "SOFTWARE is comprehension-optional");
    }

    @Test
    void rfc5769VectorsPassIntegrityAndFingerprint() {
        for (byte[] vector : List.of(StunVectors.REQUEST, StunVectors.IPV4_RESPONSE, StunVectors.IPV6_RESPONSE)) {
            ByteBuf wire = Unpooled.wrappedBuffer(vector);
            assertTrue(StunMessageIntegrity.verifyIntegrity(wire, KEY));
            assertTrue(StunMessageIntegrity.verifyFingerprint(wire));
            assertFalse(StunMessageIntegrity.verifyIntegrity(wire, StunMessageIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBu")));
            assertEquals(0, wire.readerIndex(), "verification does not move the reader index");
        }
    }

    @Test
    void rfc5769ResponsesDecodeTheirXorMappedAddresses() throws Exception {
        StunMessage v4 = decoder.decode(Unpooled.wrappedBuffer(StunVectors.IPV4_RESPONSE));
        assertEquals(StunMessageClass.SUCCESS_RESPONSE, v4.messageClass());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
                v4.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        StunMessage v6 = decoder.decode(Unpooled.wrappedBuffer(StunVectors.IPV6_RESPONSE));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                v6.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        assertEquals("test vector", new String(((StunAttribute.Raw) v6.attributes().get(0)).value(), StandardCharsets.UTF_8));
    }

    @Test
    void reEncodingTheVectorsReproducesThemByteForByte() throws Exception {
        StunMessageEncoder spacePadded = new StunMessageEncoder((byte) 0x20);
        for (byte[] vector : List.of(StunVectors.REQUEST, StunVectors.IPV4_RESPONSE, StunVectors.IPV6_RESPONSE)) {
            StunMessage message = decoder.decode(Unpooled.wrappedBuffer(vector));
            // As decoded, with the received MESSAGE-INTEGRITY and FINGERPRINT copied through.
            assertArrayEquals(vector, bytes(spacePadded.encode(ALLOC, message)));
            // With both stripped and computed afresh: the HMAC-SHA1 and CRC-32 written here are the RFC's.
            assertArrayEquals(vector, bytes(spacePadded.encode(ALLOC, message, KEY, true)));
        }
    }

    @Test
    void zeroPaddedEncodingRoundTripsEveryAttributeKind() throws Exception {
        byte[] tx = StunVectors.hex("0102030405060708090a0b0c");
        StunMessage message = new StunMessage(StunMessageClass.ERROR_RESPONSE, StunMethod.BINDING, tx, List.of(
                new StunAttribute.Username("abcd:efghi"),
                new StunAttribute.XorMappedAddress(new InetSocketAddress(InetAddress.getByName("::1"), 5000)),
                new StunAttribute.XorMappedAddress(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 65535)),
                new StunAttribute.Priority(0xFFFF_FFFFL),
                new StunAttribute.UseCandidate(),
                new StunAttribute.IceControlling(-2L),
                new StunAttribute.IceControlled(Long.MAX_VALUE),
                new StunAttribute.ErrorCode(487, "Role Conflict"),
                new StunAttribute.UnknownAttributes(new int[] {0x0031, 0x7FFF, 0x0002}),
                new StunAttribute.Raw(0xC057, new byte[] {0, 1, 0, 10, 7})));
        ByteBuf wire = new StunMessageEncoder().encode(ALLOC, message, KEY, true);
        try {
            assertEquals(0, (wire.readableBytes() - StunMessage.HEADER_SIZE) % 4);
            assertEquals(wire.readableBytes() - StunMessage.HEADER_SIZE, wire.getUnsignedShort(2));
            assertEquals(0x0111, wire.getUnsignedShort(0), "Binding error response type");
            StunMessage back = decoder.decode(wire);
            assertEquals(message, back.withoutIntegrity());
            assertTrue(back.has(StunAttribute.MessageIntegrity.class));
            assertTrue(StunMessageIntegrity.verifyIntegrity(wire, KEY));
            assertTrue(StunMessageIntegrity.verifyFingerprint(wire));
            // USERNAME of 10 bytes is followed by two zero bytes of padding.
            int offset = StunMessageIntegrity.attributeOffset(wire, StunAttribute.TYPE_USERNAME);
            assertEquals(0, wire.getUnsignedShort(offset + 4 + 10));
        } finally {
            wire.release();
        }
    }

    @Test
    void aFlippedByteFailsIntegrityAndFingerprint() {
        // Every byte after the length field up to the end of MESSAGE-INTEGRITY, padding included,
        // is covered by the HMAC; the length field is replaced by the adjusted length before hashing.
        for (int i = 4; i < StunVectors.REQUEST.length - 8; i++) {
            byte[] copy = StunVectors.REQUEST.clone();
            copy[i] ^= 0x01;
            ByteBuf wire = Unpooled.wrappedBuffer(copy);
            assertFalse(StunMessageIntegrity.verifyIntegrity(wire, KEY), "byte " + i);
            assertFalse(StunMessageIntegrity.verifyFingerprint(wire), "byte " + i);
        }
    }

    @Test
    void truncatedAndMalformedMessagesAreRefusedWithAReason() {
        byte[] request = StunVectors.REQUEST;
        for (int length = 0; length < request.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(request, length);
            assertThrows(StunParseException.class, () -> decoder.decode(Unpooled.wrappedBuffer(cut)), "length " + length);
        }
        assertRefused(patch(request, 0, 0x40), "the two leading bits");
        assertRefused(patch(request, 4, 0x22), "magic cookie");
        assertRefused(patch(request, 3, 0x5C), "length field");
        assertRefused(patch(request, 1, 0x03), "unsupported method");
        // USERNAME's length made to overrun the message.
        assertRefused(patch(request, 63, 0x60), "overruns");
        // FINGERPRINT's length made wrong.
        assertRefused(patch(request, request.length - 5, 0x08), "overruns");
        // PRIORITY made 8 bytes long by stealing ICE-CONTROLLED's header is refused by length.
        assertRefused(patch(request, 43, 0x05), "PRIORITY must be 4 bytes");
    }

    @Test
    void anAttributeAfterFingerprintIsRefusedAndAfterIntegrityIgnored() throws Exception {
        byte[] tail = StunVectors.hex("80220004 74657374");
        byte[] longer = java.util.Arrays.copyOf(StunVectors.REQUEST, StunVectors.REQUEST.length + tail.length);
        System.arraycopy(tail, 0, longer, StunVectors.REQUEST.length, tail.length);
        longer[3] = (byte) (longer.length - StunMessage.HEADER_SIZE);
        assertRefused(longer, "after FINGERPRINT");

        byte[] tx = new byte[12];
        StunMessage message = new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, tx, List.of(
                new StunAttribute.Username("a:b"), new StunAttribute.MessageIntegrity(new byte[20]),
                new StunAttribute.Priority(7), new StunAttribute.Fingerprint(0)));
        ByteBuf wire = new StunMessageEncoder().encode(ALLOC, message);
        StunMessage back;
        try {
            back = decoder.decode(wire);
        } finally {
            wire.release();
        }
        assertFalse(back.has(StunAttribute.Priority.class), "RFC 8489 14.5: ignored after MESSAGE-INTEGRITY");
        assertTrue(back.has(StunAttribute.Fingerprint.class));
    }

    @Test
    void oversizedMessagesAndTooManyAttributesAreRefused() {
        byte[] tx = new byte[12];
        List<StunAttribute> many = java.util.stream.IntStream.range(0, 33)
                .mapToObj(i -> (StunAttribute) new StunAttribute.Raw(0x8000 + i, new byte[4])).toList();
        ByteBuf wire = new StunMessageEncoder().encode(ALLOC, new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, tx, many));
        assertThrows(StunParseException.class, () -> decoder.decode(wire), "33 attributes > 32");
        StunMessageDecoder small = new StunMessageDecoder(100, 64);
        StunParseException tooLong = assertThrows(StunParseException.class, () -> small.decode(wire));
        assertTrue(tooLong.getMessage().contains("longer than 100"), tooLong.getMessage());
        wire.release();
        assertThrows(IllegalArgumentException.class, () -> new StunMessageDecoder(10, 32));
    }

    @Test
    void randomDatagramsNeverThrowAnythingButParseException() {
        Random random = new Random(8489);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = StunVectors.REQUEST.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            } else {
                input = new byte[random.nextInt(120)];
                random.nextBytes(input);
                if (input.length >= 20) {
                    input[0] &= 0x3F;
                    input[2] = 0;
                    input[3] = (byte) ((input.length - 20) & ~3);
                    System.arraycopy(StunVectors.REQUEST, 4, input, 4, 4);
                }
            }
            ByteBuf wire = Unpooled.wrappedBuffer(input);
            try {
                decoder.decode(wire);
            } catch (StunParseException expected) {
                // refused with a reason: fine
            }
            StunMessageIntegrity.verifyIntegrity(wire, KEY);
            StunMessageIntegrity.verifyFingerprint(wire);
        }
    }

    private void assertRefused(byte[] input, String reasonPart) {
        StunParseException e = assertThrows(StunParseException.class, () -> decoder.decode(Unpooled.wrappedBuffer(input)));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    private static byte[] patch(byte[] input, int index, int value) {
        byte[] copy = input.clone();
        copy[index] = (byte) value;
        return copy;
    }

    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
