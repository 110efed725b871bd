package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.stun.StunBindingResponder;
import dev.glasscast.ingest.stun.StunDemultiplexer;
import dev.glasscast.ingest.stun.StunMessage;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunParseException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts each datagram of the shared WebRTC UDP port (RFC 7983) and acts on it, on the port's
 * event loop and without blocking:
 * <ul>
 *   <li>STUN: the session is the one whose ufrag begins the USERNAME; its
 *       {@link StunBindingResponder} answers. A success is consent (RFC 7675) and, with
 *       USE-CANDIDATE, binds the sender to the session. An unknown ufrag is dropped unanswered,
 *       so the port tells a scanner nothing.</li>
 *   <li>DTLS, RTP, RTCP from a bound address: to that session's {@link WebRtcTransport}.</li>
 *   <li>Anything else, from anyone else: dropped and counted.</li>
 * </ul>
 *
 * <p>Buffer ownership: the datagram is released by {@link SimpleChannelInboundHandler} after
 * {@link #channelRead0}; what goes to a transport is retained for it first. Responses are
 * written (and so released) here.
 */
final class WebRtcUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger log = LoggerFactory.getLogger(WebRtcUdpHandler.class);

    private final WebRtcSessions sessions;
    private final StunMessageDecoder decoder;
    private final WebRtcUdpCounters counters;
    private final LongSupplier nanoTime;

    WebRtcUdpHandler(WebRtcSessions sessions, StunMessageDecoder decoder, WebRtcUdpCounters counters, LongSupplier nanoTime) {
        this.sessions = sessions;
        this.decoder = decoder;
        this.counters = counters;
        this.nanoTime = nanoTime;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf datagram = packet.content();
        InetSocketAddress sender = packet.sender();
        StunDemultiplexer.PacketKind kind = StunDemultiplexer.classify(datagram);
        switch (kind) {
            case STUN -> stun(ctx, datagram, sender);
            case DTLS, RTP, RTCP -> {
                Optional<WebRtcSession> session = sessions.byAddress(sender);
                if (session.isPresent()) {
                    counters.toTransport.increment();
                    session.get().transport().datagram(kind, datagram.retain(), sender);
                } else {
                    counters.unknownAddress.increment();
                }
            }
            default -> counters.unknownAddress.increment();
        }
    }

    private void stun(ChannelHandlerContext ctx, ByteBuf datagram, InetSocketAddress sender) {
        StunMessage request;
        try {
            request = decoder.decode(datagram);
        } catch (StunParseException e) {
            counters.stunIgnored.increment();
            return;
        }
        Optional<WebRtcSession> found = sessions.byUfrag(StunBindingResponder.localUfragOf(request));
        if (found.isEmpty()) {
            counters.unknownUfrag.increment();
            return;
        }
        WebRtcSession session = found.get();
        switch (session.responder().respond(ctx.alloc(), datagram, request, sender)) {
            case StunBindingResponder.Success success -> {
                counters.stunAnswered.increment();
                sessions.consent(session, sender, success.nominated(), nanoTime.getAsLong());
                ctx.writeAndFlush(new DatagramPacket(success.response(), success.peer()));
            }
            case StunBindingResponder.Failure failure -> {
                counters.stunRefused.increment();
                log.debug("STUN check from {} for {} refused: {} {}", sender, session.id(), failure.errorCode(), failure.why());
                ctx.writeAndFlush(new DatagramPacket(failure.response(), sender));
            }
            case StunBindingResponder.Ignored ignored -> counters.stunIgnored.increment();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP port has no connection to close: log and keep serving every other session.
        log.warn("WebRTC UDP port: {}", cause.toString());
    }
}
