package dev.glasscast.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that takes longer than {@code timeout} to deliver a whole request (request
 * line, headers and body), counted from when the connection opens or its last response was
 * written. An idle-time check alone does not stop a client that trickles one header byte every
 * few seconds (slowloris), holding a connection for ever.
 *
 * <p>Sits after the {@link io.netty.handler.codec.http.HttpObjectAggregator}: a request counts as
 * delivered when the aggregated {@link HttpRequest} arrives. While a request is being answered
 * (a blocking playlist request may take seconds) the clock is stopped. Passes every message on
 * untouched; owns none.
 */
final class HttpRequestReadTimeoutHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(HttpRequestReadTimeoutHandler.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private int requestsInFlight;

    /** @param timeout how long a client may take to send one whole request */
    HttpRequestReadTimeoutHandler(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            requestsInFlight++;
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        super.write(ctx, msg, promise);
        if (msg instanceof LastHttpContent && requestsInFlight > 0 && --requestsInFlight == 0) {
            arm(ctx);
        }
    }

    /**
     * A connection that turns into HTTP/2 (h2c upgrade or prior knowledge) carries its requests
     * on stream channels from then on: this handler would never see one again and would close
     * the whole connection when its clock ran out, so it leaves.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HttpServerUpgradeHandler.UpgradeEvent
                || event instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
            disarm();
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive() && requestsInFlight == 0) {
                log.debug("{}: no whole request within {} ms; closing", ctx.channel().remoteAddress(),
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
