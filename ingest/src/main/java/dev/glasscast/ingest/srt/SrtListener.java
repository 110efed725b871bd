package dev.glasscast.ingest.srt;

import dev.glasscast.config.SrtConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamHub;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The SRT listener: one UDP port, any number of publishers (live mode, HSv5, optional AES
 * encryption), each one's MPEG-TS demuxed into the {@link StreamHub}, and of readers
 * ({@code m=request}), each sent the MPEG-TS an {@link SrtPlayback} makes for it.
 *
 * <p>Lifecycle: construct, {@link #start()} (returns the bound port), {@link #close()}. All
 * protocol work runs on one event loop of the given group; nothing blocks it.
 */
public final class SrtListener implements AutoCloseable {

    /** Default bound on concurrent publishers. */
    public static final int DEFAULT_MAX_SESSIONS = 64;
    /** Default receiver buffer per publisher, in packets: 1.7 s at 50 Mbit/s of 1316-byte payloads. */
    public static final int DEFAULT_BUFFER_PACKETS = 8192;
    /** Default time a silent publisher is kept. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** Socket receive buffer asked of the kernel, so bursts survive until the event loop reads them. */
    private static final int SOCKET_RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final SrtConfig config;
    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final EventLoopGroup group;
    private final int maxSessions;
    private final int bufferPackets;
    private final Duration idleTimeout;
    private final SrtPlayback playback;
    private SrtListenerHandler handler;
    private Channel channel;

    /**
     * @param maxSessions   most concurrent publishers ({@link #DEFAULT_MAX_SESSIONS}); more are rejected (backlog)
     * @param bufferPackets receiver buffer per publisher ({@link #DEFAULT_BUFFER_PACKETS})
     * @param idleTimeout   a publisher silent this long is dropped ({@link #DEFAULT_IDLE_TIMEOUT})
     */
    public SrtListener(SrtConfig config, PublishAuthorizer authorizer, StreamHub hub, EventLoopGroup group,
                       int maxSessions, int bufferPackets, Duration idleTimeout, SrtPlayback playback) {
        this.config = Objects.requireNonNull(config, "config");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.group = Objects.requireNonNull(group, "group");
        if (maxSessions < 1 || bufferPackets < 32) {
            throw new IllegalArgumentException("maxSessions must be >= 1 and bufferPackets >= 32");
        }
        this.maxSessions = maxSessions;
        this.bufferPackets = bufferPackets;
        this.idleTimeout = idleTimeout;
        this.playback = Objects.requireNonNull(playback, "playback");
    }

    /** A listener for publishers only: readers are refused. */
    public SrtListener(SrtConfig config, PublishAuthorizer authorizer, StreamHub hub, EventLoopGroup group) {
        this(config, authorizer, hub, group, SrtPlayback.NONE);
    }

    /** A listener for publishers and for readers, which {@code playback} feeds. */
    public SrtListener(SrtConfig config, PublishAuthorizer authorizer, StreamHub hub, EventLoopGroup group,
                       SrtPlayback playback) {
        this(config, authorizer, hub, group, DEFAULT_MAX_SESSIONS, DEFAULT_BUFFER_PACKETS, DEFAULT_IDLE_TIMEOUT, playback);
    }

    /** Binds the UDP port; returns the port actually bound (useful with port 0). */
    public synchronized int start() throws InterruptedException {
        if (channel != null) {
            throw new IllegalStateException("already started");
        }
        SecureRandom random = new SecureRandom();
        long latencyMillis = config.latency() == null ? 120 : config.latency().toMillis();
        long start = System.nanoTime();
        SrtListenerHandler newHandler = new SrtListenerHandler(maxSessions, bufferPackets, idleTimeout.toNanos() / 1000,
                () -> (System.nanoTime() - start) / 1000 + 1_000_000, random, playback);
        newHandler.responder(new SrtHandshakeResponder(authorizer, hub, new SrtSynCookies(random),
                (int) Math.min(latencyMillis, 0xFFFF), emptyToNull(config.passphrase()), newHandler::releaseStale, playback));
        handler = newHandler;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast("srt-decoder", new SrtPacketDecoder());
                        ch.pipeline().addLast("srt-encoder", new SrtPacketEncoder());
                        ch.pipeline().addLast("srt-listener", handler);
                    }
                });
        String bind = config.bind() == null ? "0.0.0.0" : config.bind();
        channel = bootstrap.bind(new InetSocketAddress(bind, config.port())).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Snapshots of the connected publishers; safe from any thread. */
    public List<SrtSessionStats> sessions() {
        SrtListenerHandler current = handler;
        return current == null ? List.of() : current.sessions();
    }

    /**
     * Sends every publisher a shutdown, unpublishes their streams and unbinds. Waits for the
     * event loop, so call it from another thread (the server's shutdown hook), never from a loop.
     */
    @Override
    public synchronized void close() {
        if (channel != null) {
            SrtListenerHandler current = handler;
            // Shut the sessions down while the socket can still tell the callers.
            channel.eventLoop().submit(current::shutdown).syncUninterruptibly();
            channel.flush();
            channel.close().syncUninterruptibly();
            channel = null;
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
