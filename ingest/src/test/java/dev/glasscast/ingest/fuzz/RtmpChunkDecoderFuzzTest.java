package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.rtmp.RtmpChunkDecoder;
import dev.glasscast.ingest.rtmp.RtmpChunkEncoder;
import dev.glasscast.ingest.rtmp.RtmpMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Feeds arbitrary bytes to the RTMP chunk decoder, as a peer past the handshake would, in slices
 * whose size the input's first byte picks (so split headers are reached). The decoder's clean
 * errors ({@link CorruptedFrameException}, {@link TooLongFrameException}) are fine; any other
 * exception, and any buffer still allocated after the channel closes, is a finding.
 */
class RtmpChunkDecoderFuzzTest {

    /** Small limits so the fuzzer reaches them with short inputs. */
    private static final int MAX_CHUNK_SIZE = 4096;
    private static final int MAX_MESSAGE_SIZE = 2048;
    private static final int MAX_CHUNK_STREAMS = 8;
    private static final int MAX_BUFFERED_BYTES = 4096;

    @FuzzTest(maxDuration = "5s")
    void decodesOrRejectsCleanly(byte[] input) {
        CountingAllocator counting = new CountingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(counting.allocator());
        channel.pipeline().addLast(new RtmpChunkEncoder(),
                new RtmpChunkDecoder(MAX_CHUNK_SIZE, MAX_MESSAGE_SIZE, MAX_CHUNK_STREAMS, MAX_BUFFERED_BYTES));
        int slice = input.length == 0 ? 1 : (input[0] & 0x3F) + 1;
        try {
            for (int offset = 0; offset < input.length && channel.isOpen(); offset += slice) {
                int length = Math.min(slice, input.length - offset);
                channel.writeInbound(Unpooled.wrappedBuffer(input, offset, length));
                drain(channel);
            }
        } catch (CorruptedFrameException | TooLongFrameException expected) {
            // The decoder's documented refusal; the session handler closes the connection.
        } finally {
            drain(channel);
            channel.finishAndReleaseAll();
        }
        assertEquals(0, counting.liveBytes(), "buffers still allocated after the channel closed");
    }

    private static void drain(EmbeddedChannel channel) {
        for (Object message; (message = channel.readInbound()) != null; ) {
            ((RtmpMessage) message).release();
        }
        for (Object message; (message = channel.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(message);
        }
    }
}
