package dev.glasscast.server.http;

import dev.glasscast.config.ServerConfig;
import dev.glasscast.edge.EdgeCache;
import dev.glasscast.packager.SegmentStreaming;
import dev.glasscast.edge.HttpCacheSemantics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 listener. Requests carry no body worth keeping, so they are aggregated with a
 * small limit; headers and the request line are bounded by the codec.
 */
public final class HttpServer implements AutoCloseable {

    /** Longest request line (method, target, version) accepted. */
    public static final int MAX_INITIAL_LINE = 4096;
    /** Largest header block accepted. */
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    /** Largest request body accepted; media requests have none. */
    public static final int MAX_CONTENT = 64 * 1024;
    /** A connection idle this long is closed. */
    public static final int IDLE_SECONDS = 60;

    private final ServerConfig config;
    private final EdgeCache edge;
    private final HttpCacheSemantics semantics;
    private final WebContent web;
    private final String homeStream;
    private final SegmentStreaming streaming;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private Channel channel;

    /**
     * The event loop groups are the caller's: this server never shuts them down.
     *
     * @param homeStream the stream whose watch page {@code /} leads to
     */
    public HttpServer(ServerConfig config, EdgeCache edge, HttpCacheSemantics semantics, WebContent web,
                      String homeStream, EventLoopGroup acceptGroup, EventLoopGroup ioGroup) {
        this(config, edge, semantics, web, homeStream, acceptGroup, ioGroup, null);
    }

    /** @param streaming streams segments still being written (low-latency DASH), past the cache; null for none */
    public HttpServer(ServerConfig config, EdgeCache edge, HttpCacheSemantics semantics, WebContent web,
                      String homeStream, EventLoopGroup acceptGroup, EventLoopGroup ioGroup, SegmentStreaming streaming) {
        this.streaming = streaming;
        this.config = config;
        this.edge = edge;
        this.semantics = semantics;
        this.web = web;
        this.homeStream = homeStream;
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
    }

    /** Binds and returns the bound port. */
    public int start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                                .addLast(new HttpObjectAggregator(MAX_CONTENT))
                                .addLast(new HttpMediaHandler(edge, semantics, web, homeStream, streaming));
                    }
                });
        channel = bootstrap.bind(new InetSocketAddress(config.bind(), config.httpPort())).sync().channel();
        return port();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
