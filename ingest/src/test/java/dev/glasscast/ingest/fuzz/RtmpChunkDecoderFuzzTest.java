package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.rtmp.RtmpChunkDecoder;
import dev.glasscast.ingest.rtmp.RtmpChunkEncoder;
import dev.glasscast.ingest.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to the RTMP chunk decoder, as a peer past the handshake would, in slices
 * whose size the input's first byte picks (so split headers are reached). The decoder's clean
 * errors ({@link CorruptedFrameException}, {@link TooLongFrameException}) are fine; any other
 * exception, and any buffer still allocated after the channel closes, is a finding.
 *
 * <p>Differential check: the messages decoded, chunked again by {@link RtmpChunkEncoder} and
 * decoded by a fresh decoder, are the same messages (ids, type, timestamp, payload bytes). The
 * encoder and decoder must agree on every header form, extended timestamp and chunk size the
 * fuzzer finds, not only on the ones a handwritten test thought of.
 */
class RtmpChunkDecoderFuzzTest {

    /** Small limits so the fuzzer reaches them with short inputs. */
    private static final int MAX_CHUNK_SIZE = 4096;
    private static final int MAX_MESSAGE_SIZE = 2048;
    private static final int MAX_CHUNK_STREAMS = 8;
    private static final int MAX_BUFFERED_BYTES = 4096;

    /** A decoded message as plain values, comparable across decoders. */
    private record Decoded(int chunkStreamId, int typeId, long timestamp, int messageStreamId, String payloadHex) {

        static Decoded of(RtmpMessage message) {
            return new Decoded(message.chunkStreamId(), message.typeId(), message.timestamp(), message.messageStreamId(),
                    ByteBufUtil.hexDump(message.payload()));
        }

        RtmpMessage toMessage() {
            return new RtmpMessage(chunkStreamId, typeId, timestamp, messageStreamId,
                    Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(payloadHex)));
        }
    }

    @FuzzTest(maxDuration = "5s")
    void decodesOrRejectsCleanly(byte[] input) {
        CountingAllocator counting = new CountingAllocator();
        EmbeddedChannel channel = newChannel(counting);
        List<Decoded> decoded = new ArrayList<>();
        int slice = input.length == 0 ? 1 : (input[0] & 0x3F) + 1;
        try {
            for (int offset = 0; offset < input.length && channel.isOpen(); offset += slice) {
                int length = Math.min(slice, input.length - offset);
                channel.writeInbound(Unpooled.wrappedBuffer(input, offset, length));
                drain(channel, decoded);
            }
        } catch (CorruptedFrameException | TooLongFrameException expected) {
            // The decoder's documented refusal; the session handler closes the connection.
        } finally {
            drain(channel, decoded);
            channel.finishAndReleaseAll();
        }
        assertEquals(0, counting.liveBytes(), "buffers still allocated after the channel closed");
        assertEquals(decoded, decodeAgain(decoded), "decoded, re-encoded and decoded again");
    }

    private static List<Decoded> decodeAgain(List<Decoded> messages) {
        EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder(MAX_CHUNK_SIZE));
        ByteBuf wire = Unpooled.buffer();
        try {
            for (Decoded message : messages) {
                encoder.writeOutbound(message.toMessage());
                for (ByteBuf chunk; (chunk = encoder.readOutbound()) != null; ) {
                    wire.writeBytes(chunk);
                    chunk.release();
                }
            }
        } finally {
            encoder.finishAndReleaseAll();
        }
        CountingAllocator counting = new CountingAllocator();
        EmbeddedChannel decoder = newChannel(counting);
        List<Decoded> again = new ArrayList<>();
        try {
            decoder.writeInbound(wire);
            drain(decoder, again);
        } finally {
            decoder.finishAndReleaseAll();
        }
        assertEquals(0, counting.liveBytes(), "buffers still allocated after decoding the re-encoded messages");
        return again;
    }

    private static EmbeddedChannel newChannel(CountingAllocator counting) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(counting.allocator());
        channel.pipeline().addLast(new RtmpChunkEncoder(),
                new RtmpChunkDecoder(MAX_CHUNK_SIZE, MAX_MESSAGE_SIZE, MAX_CHUNK_STREAMS, MAX_BUFFERED_BYTES));
        return channel;
    }

    private static void drain(EmbeddedChannel channel, List<Decoded> decoded) {
        for (Object message; (message = channel.readInbound()) != null; ) {
            RtmpMessage rtmp = (RtmpMessage) message;
            decoded.add(Decoded.of(rtmp));
            rtmp.release();
        }
        for (Object message; (message = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(message);
        }
    }
}
