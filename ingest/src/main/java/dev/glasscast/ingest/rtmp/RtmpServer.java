package dev.glasscast.ingest.rtmp;

import dev.glasscast.config.RtmpConfig;
import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamHub;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMP ingest listener: accepts publishers (OBS, FFmpeg), authorises them by stream key and
 * publishes their media to the {@link StreamHub}.
 *
 * <p>Each connection gets its own pipeline:
 * <pre>
 * ReadTimeoutHandler → RtmpHandshakeHandler (removes itself) → RtmpChunkEncoder → RtmpChunkDecoder → RtmpSessionHandler
 * </pre>
 * Everything runs on the connection's event loop and nothing blocks; a connection that breaks a
 * limit or the protocol is closed alone.
 *
 * <p>Lifecycle: construct, {@link #start()} (binds; port 0 picks a free one, see {@link #port()}),
 * {@link #close()} (stops accepting, closes every connection, which unpublishes its stream, and
 * waits for that). Event loop groups passed in belong to the caller and are left running; with the
 * short constructor the server creates its own and shuts them down on close.
 */
public final class RtmpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtmpServer.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final RtmpConfig config;
    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final RtmpServerLimits limits;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup connectionGroup;
    private final boolean ownsGroups;
    private final LatencyProbe probe;
    private final ChannelGroup channels = new DefaultChannelGroup("rtmp", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;
    private int port = -1;

    /**
     * A server on the caller's event loops (the daemon shares them with its HTTP server).
     *
     * @param acceptGroup     accepts connections; one thread is plenty
     * @param connectionGroup runs the connections
     */
    public RtmpServer(RtmpConfig config, PublishAuthorizer authorizer, StreamHub hub, RtmpServerLimits limits,
                      EventLoopGroup acceptGroup, EventLoopGroup connectionGroup) {
        this(config, authorizer, hub, limits, acceptGroup, connectionGroup, LatencyProbe.OFF);
    }

    /** @param probe marks each published video frame as it leaves ingest ({@link LatencyProbe#OFF} but for benchmarks) */
    public RtmpServer(RtmpConfig config, PublishAuthorizer authorizer, StreamHub hub, RtmpServerLimits limits,
                      EventLoopGroup acceptGroup, EventLoopGroup connectionGroup, LatencyProbe probe) {
        this(config, authorizer, hub, limits, acceptGroup, connectionGroup, false, probe);
    }

    /** A server with default limits and event loops of its own (one acceptor, two workers). */
    public RtmpServer(RtmpConfig config, PublishAuthorizer authorizer, StreamHub hub) {
        this(config, authorizer, hub, RtmpServerLimits.defaults(),
                new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()),
                new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory()), true, LatencyProbe.OFF);
    }

    private RtmpServer(RtmpConfig config, PublishAuthorizer authorizer, StreamHub hub, RtmpServerLimits limits,
                       EventLoopGroup acceptGroup, EventLoopGroup connectionGroup, boolean ownsGroups, LatencyProbe probe) {
        this.config = config;
        this.authorizer = authorizer;
        this.hub = hub;
        this.limits = limits;
        this.acceptGroup = acceptGroup;
        this.connectionGroup = connectionGroup;
        this.ownsGroups = ownsGroups;
        this.probe = probe;
    }

    /**
     * Binds the listener.
     *
     * @return the bound port
     * @throws InterruptedException if interrupted while binding
     */
    public synchronized int start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        Amf0Decoder amf0Decoder = new Amf0Decoder();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, connectionGroup)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("idle", new ReadTimeoutHandler(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        pipeline.addLast("handshake", new RtmpHandshakeHandler(limits.handshakeTimeout().toMillis()));
                        pipeline.addLast("chunkEncoder", new RtmpChunkEncoder(limits.maxChunkSize()));
                        pipeline.addLast("chunkDecoder", new RtmpChunkDecoder(limits.maxChunkSize(),
                                limits.maxMessageSizeBeforePublish(), limits.maxChunkStreams(), limits.maxBufferedBytesBeforePublish()));
                        pipeline.addLast("session", new RtmpSessionHandler(authorizer, hub, limits, amf0Decoder, probe));
                    }
                });
        serverChannel = bootstrap.bind(config.bind(), config.port()).sync().channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("rtmp listening on {}:{}", config.bind(), port);
        return port;
    }

    /** The bound port, or -1 before {@link #start()}. */
    public synchronized int port() {
        return port;
    }

    /** Stops listening and closes every connection (unpublishing its stream); idempotent. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            serverChannel = null;
        }
        List<Channel> open = new ArrayList<>(channels);
        channels.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        for (Channel channel : open) {
            awaitDeregistered(channel);
        }
        if (ownsGroups) {
            acceptGroup.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            connectionGroup.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            acceptGroup.terminationFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            connectionGroup.terminationFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until the channel's channelInactive, which unpublishes, has run. Netty completes the close
     * future first and only then queues that event on the loop, so one empty task queued after the
     * future can still run before it; the channel stays registered until the event has run.
     */
    private static void awaitDeregistered(Channel channel) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (channel.isRegistered() && !channel.eventLoop().isShuttingDown() && System.nanoTime() < deadline) {
            channel.eventLoop().submit(() -> { }).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
