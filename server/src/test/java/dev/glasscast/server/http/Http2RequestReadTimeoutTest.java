package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpClientUpgradeHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2ClientUpgradeCodec;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test of the HTTP/2 idle close (fixed in a32c8ad): the HTTP/1 request-read clock
 * ({@code server.request_read_timeout}, here 1 s) must leave the pipeline when a connection
 * becomes HTTP/2, by h2c upgrade or by prior knowledge, or it closes every HTTP/2 connection
 * once the clock runs out. One client connection each, kept past three timeouts, must still
 * answer on a new stream; an HTTP/1.1 client that sends half a request must still be cut off.
 */
class Http2RequestReadTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final long KEPT_MILLIS = 3_200;

    @TempDir
    static Path dir;

    private static GlassCastServer server;
    private static EventLoopGroup clientGroup;

    @BeforeAll
    static void start() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, "h2-timeout-key");
        server = new GlassCastServer(base.withServer(base.server().withRequestReadTimeout(TIMEOUT)));
        server.start();
        clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anH2cPriorKnowledgeConnectionOutlivesTheHttp1RequestClock() throws Exception {
        Channel connection = connect(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), new Http2MultiplexHandler(new Refuse()));
            }
        });
        try {
            assertEquals("200 ok\n", onNewStream(connection, "/healthz"));
            Thread.sleep(KEPT_MILLIS);
            assertTrue(connection.isActive(), "the HTTP/2 connection was closed while idle");
            assertEquals("200 ok\n", onNewStream(connection, "/healthz"));
            // Busy rather than idle: a request every 400 ms across three more timeouts.
            for (int i = 0; i < 8; i++) {
                Thread.sleep(400);
                assertEquals("200 ok\n", onNewStream(connection, "/healthz"));
            }
            assertTrue(connection.isActive());
        } finally {
            connection.close().syncUninterruptibly();
        }
    }

    @Test
    void anH2cUpgradedConnectionOutlivesTheHttp1RequestClock() throws Exception {
        CompletableFuture<String> upgraded = new CompletableFuture<>();
        Channel connection = connect(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpClientCodec http1 = new HttpClientCodec();
                Http2FrameCodec frames = Http2FrameCodecBuilder.forClient().build();
                // The response to the request that asked for the upgrade arrives on stream 1.
                Http2MultiplexHandler multiplex = new Http2MultiplexHandler(new Refuse(), new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel stream) {
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                new HttpObjectAggregator(64 * 1024), new ResponseBody(upgraded));
                    }
                });
                ch.pipeline().addLast(http1,
                        new HttpClientUpgradeHandler(http1, new Http2ClientUpgradeCodec((Http2ConnectionHandler) frames, multiplex), 64 * 1024));
            }
        });
        try {
            FullHttpRequest first = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz");
            first.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            connection.writeAndFlush(first).sync();
            assertEquals("200 ok\n", upgraded.get(10, TimeUnit.SECONDS), "answered over HTTP/2 after the upgrade");
            assertTrue(connection.pipeline().get(Http2MultiplexHandler.class) != null, "upgraded");
            Thread.sleep(KEPT_MILLIS);
            assertTrue(connection.isActive(), "the upgraded HTTP/2 connection was closed while idle");
            assertEquals("200 ok\n", onNewStream(connection, "/healthz"));
            assertTrue(connection.isActive());
        } finally {
            connection.close().syncUninterruptibly();
        }
    }

    @Test
    void anHttp1ClientThatSendsHalfARequestIsCutOff() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            long sent = System.nanoTime();
            // The request line and one header; the blank line that ends the request never comes.
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertEquals(-1, read, "closed without an answer");
            assertTrue(waited >= TIMEOUT.toMillis() - 100 && waited < 5_000, "closed after " + waited + " ms");
        }
    }

    private Channel connect(ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        return new Bootstrap().group(clientGroup).channel(NioSocketChannel.class).handler(initializer)
                .connect("127.0.0.1", server.httpPort()).sync().channel();
    }

    /** GET {@code path} on a new HTTP/2 stream of {@code connection}; the response body. */
    private static String onNewStream(Channel connection, String path) throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(64 * 1024),
                        new ResponseBody(body));
            }
        }).open().get(5, TimeUnit.SECONDS);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        stream.writeAndFlush(request);
        return body.get(5, TimeUnit.SECONDS);
    }

    /** Completes with the body of the one response of its stream. */
    private static final class ResponseBody extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<String> body;

        ResponseBody(CompletableFuture<String> body) {
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            body.complete(response.status().code() + " " + response.content().toString(StandardCharsets.UTF_8));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.completeExceptionally(new AssertionError("stream closed without a response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            body.completeExceptionally(cause);
        }
    }

    /** The server pushes nothing; a stream it opened anyway is closed. */
    @ChannelHandler.Sharable
    private static final class Refuse extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            ctx.close();
        }
    }
}
