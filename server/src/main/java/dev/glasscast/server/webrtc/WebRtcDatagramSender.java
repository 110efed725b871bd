package dev.glasscast.server.webrtc;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Sends datagrams from the shared WebRTC UDP port: what a session's transport answers with
 * (DTLS flights, SRTP, SRTCP). Implementations are thread-safe and never block.
 *
 * <p>Buffer ownership: {@code datagram} belongs to the sender from the call on, which releases
 * it once written, or at once when the port is closed.
 */
@FunctionalInterface
public interface WebRtcDatagramSender {

    void send(ByteBuf datagram, InetSocketAddress to);
}
