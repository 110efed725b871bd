package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtmpChunkCodecTest {

    private final RtmpControlMessages control = new RtmpControlMessages(Unpooled.buffer().alloc());

    /** A message as plain values, for comparing what went in with what came out. */
    private record Expected(int chunkStreamId, int typeId, long timestamp, int messageStreamId, byte[] payload) {

        RtmpMessage toMessage() {
            return new RtmpMessage(chunkStreamId, typeId, timestamp, messageStreamId, Unpooled.wrappedBuffer(payload));
        }
    }

    @Test
    void roundTripUsesEveryHeaderFormat() {
        List<Expected> messages = List.of(
                new Expected(4, RtmpMessageType.AUDIO, 1000, 1, bytes(50, 1)),        // fmt 0: first on csid 4
                new Expected(4, RtmpMessageType.AUDIO, 1023, 1, bytes(60, 2)),        // fmt 1: new length
                new Expected(4, RtmpMessageType.AUDIO, 1047, 1, bytes(60, 3)),        // fmt 2: new delta
                new Expected(4, RtmpMessageType.AUDIO, 1071, 1, bytes(60, 4)),        // fmt 3: same delta
                new Expected(4, RtmpMessageType.AUDIO, 500, 1, bytes(60, 5)),         // fmt 0: time went back
                new Expected(6, RtmpMessageType.VIDEO, 0, 1, bytes(1000, 6)));        // continuation chunks
        List<ByteBuf> encoded = encodeEach(messages);
        int[] expectedFormats = {0, 1, 2, 3, 0, 0};
        for (int i = 0; i < expectedFormats.length; i++) {
            assertEquals(expectedFormats[i], encoded.get(i).getUnsignedByte(0) >> 6, "fmt of message " + i);
        }
        assertDecodes(messages, encoded);
    }

    @Test
    void extendedTimestampsRoundTripIncludingContinuations() {
        List<Expected> messages = List.of(
                new Expected(6, RtmpMessageType.VIDEO, 0xFFFFFFL, 1, bytes(300, 1)),
                new Expected(6, RtmpMessageType.VIDEO, 0x12345678L, 1, bytes(300, 2)),
                new Expected(6, RtmpMessageType.VIDEO, 0xFFFFFFFFL, 1, bytes(10, 3)),
                new Expected(7, RtmpMessageType.AUDIO, 0x01000000L, 1, bytes(129, 4)),
                // fmt 3 new message repeating a delta above 0xFFFFFF
                new Expected(7, RtmpMessageType.AUDIO, 0x02000000L, 1, bytes(129, 5)));
        assertDecodes(messages, encodeEach(messages));
    }

    @Test
    void chunkStreamIdsInAllThreeBasicHeaderForms() {
        List<Expected> messages = List.of(
                new Expected(3, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(10, 1)),
                new Expected(63, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(200, 2)),
                new Expected(64, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(200, 3)),
                new Expected(319, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(200, 4)),
                new Expected(320, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(200, 5)),
                new Expected(65599, RtmpMessageType.COMMAND_AMF0, 0, 0, bytes(200, 6)));
        assertDecodes(messages, encodeEach(messages));
    }

    @Test
    void setChunkSizeSwitchesBothSides() {
        RtmpChunkEncoder encoder = new RtmpChunkEncoder();
        EmbeddedChannel out = new EmbeddedChannel(encoder);
        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
        EmbeddedChannel in = new EmbeddedChannel(decoder);
        Expected before = new Expected(5, RtmpMessageType.VIDEO, 0, 1, bytes(1000, 1));
        Expected after = new Expected(5, RtmpMessageType.VIDEO, 40, 1, bytes(10_000, 2));
        out.writeOutbound(before.toMessage(), control.setChunkSize(4096), after.toMessage());
        assertEquals(4096, encoder.chunkSize());
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part; (part = out.readOutbound()) != null; ) {
            wire.writeBytes(part);
            part.release();
        }
        // 1000 bytes at 128 need 7 continuation headers; 10000 bytes at 4096 need 2 (after a fmt 1 header).
        assertEquals(12 + 1000 + 7 + 12 + 4 + 8 + 10_000 + 2, wire.readableBytes());
        in.writeInbound(wire);
        assertMessage(before, in.readInbound());
        RtmpMessage setChunkSize = in.readInbound();
        assertEquals(RtmpMessageType.SET_CHUNK_SIZE, setChunkSize.typeId());
        setChunkSize.release();
        assertEquals(4096, decoder.chunkSize());
        assertMessage(after, in.readInbound());
        assertFalse(in.finishAndReleaseAll());
        out.finishAndReleaseAll();
    }

    @Test
    void interleavedChunkStreamsAndByteByByteInput() {
        // Two 200-byte messages on chunk streams 4 and 6 interleaved chunk by chunk (chunk size 128).
        byte[] a = bytes(200, 1);
        byte[] b = bytes(200, 2);
        ByteBuf wire = Unpooled.buffer();
        wire.writeByte(4).writeMedium(10).writeMedium(200).writeByte(RtmpMessageType.AUDIO).writeIntLE(1).writeBytes(a, 0, 128);
        wire.writeByte(6).writeMedium(20).writeMedium(200).writeByte(RtmpMessageType.VIDEO).writeIntLE(1).writeBytes(b, 0, 128);
        wire.writeByte(0xC0 | 4).writeBytes(a, 128, 72);
        wire.writeByte(0xC0 | 6).writeBytes(b, 128, 72);
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        while (wire.isReadable()) {
            in.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        assertMessage(new Expected(4, RtmpMessageType.AUDIO, 10, 1, a), in.readInbound());
        assertMessage(new Expected(6, RtmpMessageType.VIDEO, 20, 1, b), in.readInbound());
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void continuationChunksWithoutTheRepeatedExtendedTimestampAreAcceptedToo() {
        byte[] payload = bytes(200, 3);
        ByteBuf wire = Unpooled.buffer();
        wire.writeByte(4).writeMedium(0xFFFFFF).writeMedium(200).writeByte(RtmpMessageType.VIDEO).writeIntLE(1)
                .writeInt(0x01020304).writeBytes(payload, 0, 128);
        wire.writeByte(0xC0 | 4).writeBytes(payload, 128, 72);
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        in.writeInbound(wire);
        assertMessage(new Expected(4, RtmpMessageType.VIDEO, 0x01020304L, 1, payload), in.readInbound());
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void abortDropsThePartialMessage() {
        byte[] payload = bytes(200, 4);
        ByteBuf wire = Unpooled.buffer();
        wire.writeByte(4).writeMedium(0).writeMedium(200).writeByte(RtmpMessageType.VIDEO).writeIntLE(1).writeBytes(payload, 0, 128);
        wire.writeByte(2).writeMedium(0).writeMedium(4).writeByte(RtmpMessageType.ABORT).writeIntLE(0).writeInt(4);
        wire.writeByte(0x40 | 4).writeMedium(5).writeMedium(3).writeByte(RtmpMessageType.AUDIO).writeBytes(new byte[] {1, 2, 3});
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        in.writeInbound(wire);
        RtmpMessage abort = in.readInbound();
        assertEquals(RtmpMessageType.ABORT, abort.typeId());
        abort.release();
        assertMessage(new Expected(4, RtmpMessageType.AUDIO, 5, 1, new byte[] {1, 2, 3}), in.readInbound());
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void acknowledgesEachWindowOfReceivedBytes() {
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        ByteBuf window = Unpooled.buffer();
        window.writeByte(2).writeMedium(0).writeMedium(4).writeByte(RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE).writeIntLE(0).writeInt(1000);
        in.writeInbound(window);
        assertNull(in.readOutbound());
        EmbeddedChannel out = new EmbeddedChannel(new RtmpChunkEncoder());
        out.writeOutbound(new Expected(4, RtmpMessageType.AUDIO, 0, 1, bytes(1200, 5)).toMessage());
        ByteBuf wire = out.readOutbound();
        int total = 16 + wire.readableBytes();
        in.writeInbound(wire);
        RtmpMessage ack = in.readOutbound();
        assertEquals(RtmpMessageType.ACKNOWLEDGEMENT, ack.typeId());
        assertEquals(total, ack.payload().getInt(0));
        ack.release();
        in.finishAndReleaseAll();
        out.finishAndReleaseAll();
    }

    @Test
    void rejectsAbsurdChunkSizesAndOversizedMessages() {
        EmbeddedChannel zero = new EmbeddedChannel(new RtmpChunkDecoder());
        ByteBuf setZero = Unpooled.buffer();
        setZero.writeByte(2).writeMedium(0).writeMedium(4).writeByte(RtmpMessageType.SET_CHUNK_SIZE).writeIntLE(0).writeInt(0);
        DecoderException e = assertThrows(DecoderException.class, () -> zero.writeInbound(setZero));
        assertInstanceOf(CorruptedFrameException.class, e.getCause() == null ? e : e);
        // After a protocol error the rest of the connection is discarded.
        zero.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 0, 0, 0, 1, 20, 0, 0, 0, 0, 9}));
        assertNull(zero.readInbound());
        zero.finishAndReleaseAll();

        EmbeddedChannel huge = new EmbeddedChannel(new RtmpChunkDecoder(1 << 16, 1 << 16, 8, 1 << 16));
        ByteBuf setHuge = Unpooled.buffer();
        setHuge.writeByte(2).writeMedium(0).writeMedium(4).writeByte(RtmpMessageType.SET_CHUNK_SIZE).writeIntLE(0).writeInt(1 << 30);
        assertThrows(CorruptedFrameException.class, () -> huge.writeInbound(setHuge));
        huge.finishAndReleaseAll();

        EmbeddedChannel tooLong = new EmbeddedChannel(new RtmpChunkDecoder(1 << 16, 1 << 16, 8, 1 << 16));
        ByteBuf bigMessage = Unpooled.buffer();
        bigMessage.writeByte(4).writeMedium(0).writeMedium(1 << 17).writeByte(RtmpMessageType.VIDEO).writeIntLE(1);
        assertThrows(TooLongFrameException.class, () -> tooLong.writeInbound(bigMessage));
        tooLong.finishAndReleaseAll();

        EmbeddedChannel headerless = new EmbeddedChannel(new RtmpChunkDecoder());
        assertThrows(CorruptedFrameException.class, () -> headerless.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC4, 1})));
        headerless.finishAndReleaseAll();
    }

    @Test
    void messageLimitsCanBeRaisedOnceThePeerIsTrusted() {
        RtmpChunkDecoder decoder = new RtmpChunkDecoder(1 << 16, 1024, 8, 4096);
        EmbeddedChannel in = new EmbeddedChannel(decoder);
        Expected big = new Expected(4, RtmpMessageType.VIDEO, 0, 1, bytes(5000, 9));
        decoder.setMessageLimits(8192, 16384);
        in.writeInbound(encodeEach(List.of(big)).getFirst());
        assertMessage(big, in.readInbound());
        in.finishAndReleaseAll();

        EmbeddedChannel untrusted = new EmbeddedChannel(new RtmpChunkDecoder(1 << 16, 1024, 8, 4096));
        ByteBuf wire = encodeEach(List.of(big)).getFirst();
        assertThrows(TooLongFrameException.class, () -> untrusted.writeInbound(wire));
        untrusted.finishAndReleaseAll();
    }

    @Test
    void limitsTheNumberOfChunkStreams() {
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder(1 << 16, 1 << 16, 2, 1 << 16));
        ByteBuf wire = Unpooled.buffer();
        for (int csid = 3; csid <= 5; csid++) {
            wire.writeByte(csid).writeMedium(0).writeMedium(0).writeByte(RtmpMessageType.AUDIO).writeIntLE(1);
        }
        assertThrows(CorruptedFrameException.class, () -> in.writeInbound(wire));
        in.finishAndReleaseAll();
    }

    private static List<ByteBuf> encodeEach(List<Expected> messages) {
        EmbeddedChannel out = new EmbeddedChannel(new RtmpChunkEncoder());
        List<ByteBuf> encoded = new ArrayList<>();
        for (Expected message : messages) {
            out.writeOutbound(message.toMessage());
            ByteBuf wire = Unpooled.buffer();
            for (ByteBuf part; (part = out.readOutbound()) != null; ) {
                wire.writeBytes(part);
                part.release();
            }
            encoded.add(wire);
        }
        out.finishAndReleaseAll();
        return encoded;
    }

    private static void assertDecodes(List<Expected> messages, List<ByteBuf> encoded) {
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        in.writeInbound(Unpooled.wrappedBuffer(encoded.toArray(ByteBuf[]::new)));
        for (Expected expected : messages) {
            assertMessage(expected, in.readInbound());
        }
        assertFalse(in.finishAndReleaseAll());
    }

    private static void assertMessage(Expected expected, RtmpMessage actual) {
        try {
            assertEquals(expected.chunkStreamId(), actual.chunkStreamId());
            assertEquals(expected.typeId(), actual.typeId());
            assertEquals(expected.timestamp(), actual.timestamp(), "timestamp");
            assertEquals(expected.messageStreamId(), actual.messageStreamId());
            assertArrayEquals(expected.payload(), ByteBufUtil.getBytes(actual.payload()));
        } finally {
            actual.release();
        }
    }

    private static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
