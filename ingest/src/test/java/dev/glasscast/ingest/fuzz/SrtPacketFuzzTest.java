package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.srt.SrtControlPacket;
import dev.glasscast.ingest.srt.SrtControlType;
import dev.glasscast.ingest.srt.SrtEnvelope;
import dev.glasscast.ingest.srt.SrtHandshakeExtension;
import dev.glasscast.ingest.srt.SrtHandshakeMessage;
import dev.glasscast.ingest.srt.SrtKeyMaterialMessage;
import dev.glasscast.ingest.srt.SrtPacketDecoder;
import dev.glasscast.ingest.srt.SrtStreamId;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sends an arbitrary datagram through {@link SrtPacketDecoder} and, for a handshake, through
 * every parser the listener applies to what a stranger sends before any session exists: the
 * handshake CIF, its HSREQ, KMREQ and stream-id extensions, the stream-id forms and the publish
 * authorisation. The SRT parsers refuse by returning null (the port is open to the internet), so
 * every exception is a finding. A parsed handshake must re-serialise to the bytes it came from.
 */
class SrtPacketFuzzTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9000);
    private static final PublishAuthorizer AUTHORIZER = new PublishAuthorizer(List.of(new StreamConfig("main", "fuzz-secret-key")));

    @FuzzTest(maxDuration = "5s")
    void decodesOrDropsEveryDatagram(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new SrtPacketDecoder());
        try {
            channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(input), PEER, PEER));
            SrtEnvelope envelope = channel.readInbound();
            if (envelope != null && envelope.packet() instanceof SrtControlPacket control
                    && control.type() == SrtControlType.HANDSHAKE) {
                parseHandshake(control.body());
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        // The stream id text on its own, which is where the most parsing happens.
        SrtStreamId streamId = SrtStreamId.parse(new String(input, java.nio.charset.StandardCharsets.UTF_8));
        if (streamId != null) {
            assertNotNull(streamId.authorize(AUTHORIZER));
        }
    }

    private static void parseHandshake(byte[] body) {
        SrtHandshakeMessage handshake = SrtHandshakeMessage.parse(body);
        if (handshake == null) {
            return;
        }
        byte[] again = handshake.toBytes();
        // The parser reads whole 32-bit words and ignores a ragged tail.
        assertEquals(body.length - body.length % 4, again.length, "handshake length after re-serialising");
        assertArrayEquals(java.util.Arrays.copyOf(body, again.length), again, "handshake bytes after re-serialising");
        for (SrtHandshakeMessage.Extension extension : handshake.extensions()) {
            switch (extension.type()) {
                case SrtHandshakeMessage.EXT_HSREQ -> SrtHandshakeExtension.parse(extension.content());
                case SrtHandshakeMessage.EXT_KMREQ -> SrtKeyMaterialMessage.parse(extension.content());
                case SrtHandshakeMessage.EXT_SID -> {
                    SrtStreamId streamId = SrtStreamId.parse(SrtHandshakeMessage.decodeStreamId(extension.content()));
                    if (streamId != null) {
                        assertNotNull(streamId.authorize(AUTHORIZER));
                    }
                }
                default -> {
                }
            }
        }
    }
}
