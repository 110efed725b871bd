package dev.glasscast.server.http;

import dev.glasscast.config.ServerConfig;
import dev.glasscast.config.TlsConfig;
import dev.glasscast.edge.EdgeCache;
import dev.glasscast.packager.SegmentStreaming;
import dev.glasscast.edge.HttpCacheSemantics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsciiString;
import java.io.File;
import javax.net.ssl.SSLException;
import io.netty.handler.timeout.IdleStateHandler;
import dev.glasscast.server.api.AdminRoutes;
import dev.glasscast.server.webrtc.WebRtcServer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP listener: HTTP/1.1, and HTTP/2 over cleartext (h2c) by upgrade or prior knowledge;
 * with a certificate configured, also HTTPS with HTTP/2 or HTTP/1.1 chosen by ALPN.
 * Requests carry no body worth keeping, so they are aggregated with a small limit; headers and
 * the request line are bounded by the codecs. Text responses are gzipped when asked for.
 */
public final class HttpServer implements AutoCloseable {

    /** Longest request line (method, target, version) accepted. */
    public static final int MAX_INITIAL_LINE = 4096;
    /** Largest header block accepted. */
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    /** Largest request body accepted; media requests have none. */
    public static final int MAX_CONTENT = 64 * 1024;
    /** Concurrent HTTP/2 streams per connection. */
    public static final int MAX_CONCURRENT_STREAMS = 256;
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
    private final AdminRoutes admin;
    private final PlaybackTokens tokens;
    private final WebRtcServer webrtc;
    private final OpenFiles openFiles = new OpenFiles();
    private Channel channel;
    private Channel tlsChannel;

    /**
     * The event loop groups are the caller's: this server never shuts them down.
     *
     * @param homeStream the stream whose watch page {@code /} leads to when there is no operator side
     * @param admin      the dashboard, JSON API and metrics (null: none)
     * @param streaming  streams segments still being written (low-latency DASH) past the cache (null: none)
     * @param tokens     which streams need a signed playback link, checked before the edge cache
     * @param webrtc     the WHEP and WHIP resources under {@code /live/{stream}/whep|whip}; null when WebRTC is off
     */
    public HttpServer(ServerConfig config, EdgeCache edge, HttpCacheSemantics semantics, WebContent web,
                      String homeStream, AdminRoutes admin, SegmentStreaming streaming, PlaybackTokens tokens,
                      WebRtcServer webrtc, EventLoopGroup acceptGroup, EventLoopGroup ioGroup) {
        this.tokens = tokens;
        this.webrtc = webrtc;
        this.admin = admin;
        this.streaming = streaming;
        this.config = config;
        this.edge = edge;
        this.semantics = semantics;
        this.web = web;
        this.homeStream = homeStream;
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
    }

    /**
     * Binds plain HTTP (and HTTPS when {@code server.tls} is enabled) and returns the HTTP port.
     *
     * @throws SSLException if the TLS certificate or key cannot be loaded
     */
    public int start() throws InterruptedException, SSLException {
        channel = bind(config.httpPort(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpServerCodec http1 = new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192);
                HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                        AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                                ? new Http2ServerUpgradeCodec(http2FrameCodec(), new Http2MultiplexHandler(streamInitializer()))
                                : null, MAX_CONTENT);
                ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(http2FrameCodec(), new Http2MultiplexHandler(streamInitializer()));
                    }
                };
                ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                        .addLast(new CleartextHttp2ServerUpgradeHandler(http1, upgrade, priorKnowledge));
                addHttp1Handlers(ch.pipeline());
            }
        });
        TlsConfig tls = config.tls();
        if (tls.enabled()) {
            SslContext ssl = SslContextBuilder.forServer(new File(tls.certificate()), new File(tls.privateKey()))
                    .sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
            tlsChannel = bind(tls.port(), new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                            .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                            .addLast(ssl.newHandler(ch.alloc()))
                            .addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                @Override
                                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                        ctx.pipeline().addLast(http2FrameCodec(), new Http2MultiplexHandler(streamInitializer()));
                                    } else {
                                        ctx.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
                                        addHttp1Handlers(ctx.pipeline());
                                    }
                                }
                            });
                }
            });
        }
        return port();
    }

    private Channel bind(int port, ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        return new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(new InetSocketAddress(config.bind(), port)).sync().channel();
    }

    private void addHttp1Handlers(ChannelPipeline pipeline) {
        pipeline.addLast(new ManifestCompressor())
                .addLast(new HttpObjectAggregator(MAX_CONTENT))
                // A client must send a whole request within server.request_read_timeout of
                // connecting or of its last response (HTTP/1 only: it leaves on an h2c upgrade).
                .addLast(new HttpRequestReadTimeoutHandler(config.requestReadTimeout()))
                .addLast(newHandler());
    }

    /** HTTP/2 streams carry the same requests as HTTP/1.1 connections, translated to HTTP objects. */
    private ChannelInitializer<Http2StreamChannel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline()
                        .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                        .addLast(new ManifestCompressor())
                        .addLast(new HttpObjectAggregator(MAX_CONTENT))
                        .addLast(newHandler());
            }
        };
    }

    private static Http2FrameCodec http2FrameCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS).maxHeaderListSize(MAX_HEADER_SIZE))
                .build();
    }

    private HttpMediaHandler newHandler() {
        return new HttpMediaHandler(edge, semantics, web, homeStream, admin, streaming, tokens, webrtc, openFiles);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The HTTPS port, or -1 when TLS is off. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (tlsChannel != null) {
            tlsChannel.close().syncUninterruptibly();
        }
        openFiles.close();
    }
}
