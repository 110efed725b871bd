package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.stun.StunBindingResponder;
import dev.glasscast.ingest.stun.StunMessage;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunMessageEncoder;
import dev.glasscast.ingest.stun.StunParseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * A datagram through {@link StunMessageDecoder} and the ICE-lite
 * {@link StunBindingResponder}: what anyone can send to the WebRTC UDP port. The decoder
 * refuses with {@link StunParseException} only, and the responder answers or ignores without
 * throwing. Differential: a decoded message, encoded again as it is, decodes to itself.
 */
class StunMessageFuzzTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 32853);
    private final StunMessageDecoder decoder = new StunMessageDecoder();
    private final StunBindingResponder responder = new StunBindingResponder("evtj", "VOkJxbRl1RmTxUk/WvJxBt", "h6vY",
            decoder, new StunMessageEncoder());

    @FuzzTest(maxDuration = "5s")
    void decodesOrRefusesEveryDatagram(byte[] input) {
        ByteBuf wire = Unpooled.wrappedBuffer(input);
        try {
            StunMessage message = decoder.decode(wire);
            ByteBuf again = new StunMessageEncoder().encode(UnpooledByteBufAllocator.DEFAULT, message);
            try {
                assertEquals(message, decoder.decode(again), "re-encoded message");
            } finally {
                again.release();
            }
        } catch (StunParseException refused) {
            // the expected outcome for most inputs
        }
        switch (responder.respond(UnpooledByteBufAllocator.DEFAULT, wire, PEER)) {
            case StunBindingResponder.Success success -> success.response().release();
            case StunBindingResponder.Failure failure -> failure.response().release();
            case StunBindingResponder.Ignored ignored -> { }
        }
    }
}
