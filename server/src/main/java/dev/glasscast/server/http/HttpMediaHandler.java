package dev.glasscast.server.http;

import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /live/...} from the {@link MediaOrigin} and {@code /healthz}. Renders complete
 * asynchronously (a blocking playlist reload may wait for a part), so while one request is in
 * flight the channel stops reading: responses then always leave in request order.
 */
final class HttpMediaHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpMediaHandler.class);

    private final MediaOrigin origin;
    private final WebContent web;
    private final String homeStream;

    /** @param homeStream the stream whose watch page {@code /} leads to */
    HttpMediaHandler(MediaOrigin origin, WebContent web, String homeStream) {
        this.origin = origin;
        this.web = web;
        this.homeStream = homeStream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, false, false, text(HttpResponseStatus.BAD_REQUEST, "malformed request"));
            return;
        }
        if (!head && !HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, keepAlive, false, response);
            return;
        }
        switch (RequestTarget.parse(request.uri())) {
            case RequestTarget.Health h -> respond(ctx, keepAlive, head, text(HttpResponseStatus.OK, "ok"));
            case RequestTarget.Home h -> {
                FullHttpResponse response = text(HttpResponseStatus.FOUND, "see /watch/" + homeStream);
                response.headers().set(HttpHeaderNames.LOCATION, "/watch/" + homeStream);
                respond(ctx, keepAlive, head, response);
            }
            case RequestTarget.Watch watch -> respond(ctx, keepAlive, head,
                    content(HttpResponseStatus.OK, Unpooled.copiedBuffer(web.watchPage(watch.stream()), StandardCharsets.UTF_8),
                            "text/html; charset=utf-8", "no-cache"));
            case RequestTarget.Asset asset -> respond(ctx, keepAlive, head, web.asset(asset.name())
                    .map(a -> content(HttpResponseStatus.OK, a.body(), a.contentType(), "public, max-age=86400"))
                    .orElseGet(() -> text(HttpResponseStatus.NOT_FOUND, "not found")));
            case RequestTarget.NotFound n -> respond(ctx, keepAlive, head, text(HttpResponseStatus.NOT_FOUND, "not found"));
            case RequestTarget.BadRequest bad -> respond(ctx, keepAlive, head, text(HttpResponseStatus.BAD_REQUEST, bad.reason()));
            case RequestTarget.Media media -> {
                ctx.channel().config().setAutoRead(false);
                origin.render(media.request()).whenComplete((rendered, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        log.error("rendering {} failed", media.request().cacheKey(), failure);
                        respond(ctx, keepAlive, head, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
                    } else {
                        respond(ctx, keepAlive, head, toHttp(rendered));
                    }
                    ctx.channel().config().setAutoRead(true);
                }));
            }
        }
    }

    private static FullHttpResponse toHttp(OriginResponse rendered) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(rendered.status()), rendered.body());
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, rendered.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, CacheHeaders.cacheControl(rendered.cacheKind()));
        if (rendered.lastModified() != null) {
            response.headers().set(HttpHeaderNames.LAST_MODIFIED,
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(rendered.lastModified().atZone(ZoneOffset.UTC)));
        }
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return content(status, Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8), OriginResponse.TEXT, "no-store");
    }

    private static FullHttpResponse content(HttpResponseStatus status, ByteBuf body, String contentType, String cacheControl) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return response;
    }

    /** Writes {@code response}, whose content this method owns from here on. */
    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, boolean head, FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        FullHttpResponse sent = response;
        if (head) {
            sent = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
        }
        if (keepAlive) {
            sent.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(sent);
        } else {
            sent.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(sent).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
