package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.stun.StunDemultiplexer;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where a session's DTLS and SRTP/SRTCP datagrams go once ICE has bound its remote address: the
 * seam to the DTLS-SRTP layer, which implements this. {@link WebRtcTransportQueue} stands in
 * for it until then.
 *
 * <p>Called on the UDP port's event loop: an implementation must not block; it hands heavy work
 * (the DTLS handshake, decryption) elsewhere or does it in bounded time.
 *
 * <p>Buffer ownership: {@code datagram} belongs to the implementation from the call on; it
 * releases it (or passes it on) exactly once, also when it drops it.
 */
public interface WebRtcTransport extends AutoCloseable {

    /**
     * One datagram from the session's bound remote address.
     *
     * @param kind   {@link StunDemultiplexer.PacketKind#DTLS}, {@code RTP} or {@code RTCP}
     * @param sender the bound remote address it came from
     */
    void datagram(StunDemultiplexer.PacketKind kind, ByteBuf datagram, InetSocketAddress sender);

    /** The session ended (DELETE, expiry, shutdown): release whatever is held. Never throws. */
    @Override
    void close();
}
