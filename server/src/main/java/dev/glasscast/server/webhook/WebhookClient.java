package dev.glasscast.server.webhook;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * POSTs a JSON body to a webhook endpoint and completes with the answer's status code. One
 * connection per call ({@code Connection: close}): webhooks come a few a minute, not a second.
 * Only the status line is read; the answer's body is discarded as it arrives. HTTPS endpoints are
 * checked against the JDK's trusted certificates and the URL's host name. Thread-safe; never
 * blocks the caller (host names are looked up on a virtual thread, I/O runs on the event loops).
 */
public final class WebhookClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final SslContext tls;
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();

    /** @param group the event loops the connections run on (the daemon's I/O group) */
    public WebhookClient(EventLoopGroup group) {
        this.group = group;
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client for https webhooks: " + e.getMessage(), e);
        }
    }

    /**
     * Completes with the status code of the answer, or exceptionally when the endpoint cannot be
     * reached, the connection breaks before an answer, or no answer comes within {@code timeout}.
     */
    public CompletableFuture<Integer> post(URI url, byte[] json, Map<String, String> headers, Duration timeout) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        String host = url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        long timeoutMillis = Math.max(1, timeout.toMillis());
        AtomicReference<Channel> channel = new AtomicReference<>();
        status.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((code, failure) -> {
            Channel open = channel.get();
            if (open != null) {
                open.close();
            }
        });
        // A name lookup blocks: never on an event loop.
        CompletableFuture.supplyAsync(() -> resolve(host, port), lookups).whenComplete((address, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
                return;
            }
            if (status.isDone()) {
                return;
            }
            ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel socket) {
                            if (https) {
                                socket.pipeline().addLast(verifyingHost(tls.newHandler(socket.alloc(), host, port)));
                            }
                            socket.pipeline().addLast(new HttpClientCodec(), new StatusReader(status));
                        }
                    })
                    .connect(address);
            channel.set(connect.channel());
            if (status.isDone()) {
                connect.channel().close();
            }
            connect.addListener((ChannelFutureListener) connected -> {
                if (!connected.isSuccess()) {
                    status.completeExceptionally(connected.cause());
                    return;
                }
                connected.channel().writeAndFlush(request(url, host, port, https, json, headers)).addListener(written -> {
                    if (!written.isSuccess()) {
                        status.completeExceptionally(written.cause());
                    }
                });
            });
        });
        return status;
    }

    private static InetSocketAddress resolve(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CompletionException(new UnknownHostException(host));
        }
        return address;
    }

    /** Netty's TLS client checks the certificate chain but not that it names the host; this does. */
    private static SslHandler verifyingHost(SslHandler handler) {
        SSLParameters parameters = handler.engine().getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        handler.engine().setSSLParameters(parameters);
        return handler;
    }

    @Override
    public void close() {
        lookups.close();
    }

    private static FullHttpRequest request(URI url, String host, int port, boolean https, byte[] json,
                                           Map<String, String> headers) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(json));
        boolean defaultPort = port == (https ? 443 : 80);
        request.headers()
                .set(HttpHeaderNames.HOST, defaultPort ? host : host + ":" + port)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.USER_AGENT, "GlassCast");
        headers.forEach((name, value) -> request.headers().set(name, value));
        return request;
    }

    /** Completes the call with the status line of the answer; the rest is released unread. */
    private static final class StatusReader extends SimpleChannelInboundHandler<HttpObject> {
        private final CompletableFuture<Integer> status;

        StatusReader(CompletableFuture<Integer> status) {
            this.status = status;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (message instanceof HttpResponse response) {
                status.complete(response.status().code());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            status.completeExceptionally(new IOException("the endpoint closed the connection without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            status.completeExceptionally(cause);
            ctx.close();
        }
    }
}
