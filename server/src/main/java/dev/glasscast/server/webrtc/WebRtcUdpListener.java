package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.stun.StunMessageDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP port of every WebRTC session ({@code webrtc.udp_port}): a Netty NIO datagram
 * channel whose {@link WebRtcUdpHandler} answers STUN and routes DTLS and SRTP, and a sweep on
 * the same event loop that reaps sessions whose consent expired.
 *
 * <p>Lifecycle: construct, {@link #start()} (returns the bound port), {@link #close()}, which
 * also ends every session. The event loop group is the caller's.
 */
public final class WebRtcUdpListener implements WebRtcDatagramSender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebRtcUdpListener.class);

    /** Room for bursts of many viewers' RTCP and checks between event loop turns. */
    public static final int SOCKET_RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final String bind;
    private final int port;
    private final WebRtcSessions sessions;
    private final StunMessageDecoder decoder;
    private final EventLoopGroup group;
    private final Duration sweepInterval;
    private final LongSupplier nanoTime;
    private final WebRtcUdpCounters counters = new WebRtcUdpCounters();
    private volatile Channel channel;
    private ScheduledFuture<?> sweep;

    /**
     * @param bind          the address to bind ({@code webrtc.bind})
     * @param port          the UDP port; 0 picks a free one
     * @param decoder       the limits STUN requests are read with
     * @param sweepInterval how often expired sessions are looked for, e.g. 1 s
     * @param nanoTime      the monotonic clock of consent, {@code System::nanoTime}
     */
    public WebRtcUdpListener(String bind, int port, WebRtcSessions sessions, StunMessageDecoder decoder,
                             EventLoopGroup group, Duration sweepInterval, LongSupplier nanoTime) {
        this.bind = bind;
        this.port = port;
        this.sessions = sessions;
        this.decoder = decoder;
        this.group = group;
        this.sweepInterval = sweepInterval;
        this.nanoTime = nanoTime;
    }

    /** Binds the port and starts the expiry sweep; returns the bound port. */
    public synchronized int start() throws InterruptedException {
        channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new WebRtcUdpHandler(sessions, decoder, counters, nanoTime));
                    }
                })
                .bind(new InetSocketAddress(bind, port)).sync().channel();
        long every = sweepInterval.toMillis();
        sweep = channel.eventLoop().scheduleAtFixedRate(this::reap, every, every, TimeUnit.MILLISECONDS);
        return port();
    }

    private void reap() {
        for (WebRtcSession session : sessions.expire(nanoTime.getAsLong())) {
            counters.sessionsExpired.increment();
            log.info("WebRTC session {} of {} ended: its STUN consent expired", session.id(), session.stream());
        }
    }

    @Override
    public void send(ByteBuf datagram, InetSocketAddress to) {
        Channel current = channel;
        if (current == null || !current.isActive()) {
            datagram.release();
            return;
        }
        current.writeAndFlush(new DatagramPacket(datagram, to), current.voidPromise());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public WebRtcUdpCounters counters() {
        return counters;
    }

    @Override
    public synchronized void close() {
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        sessions.close();
    }
}
