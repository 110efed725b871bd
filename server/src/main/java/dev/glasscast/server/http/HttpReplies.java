package dev.glasscast.server.http;

import dev.glasscast.edge.HttpCacheSemantics;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Writes complete responses the way every route of the HTTP server answers: CORS headers, a
 * Content-Length, no body for HEAD, and the connection closed after the response when the client
 * did not ask to keep it alive. Called on the channel's event loop.
 */
final class HttpReplies {

    private final HttpCacheSemantics semantics;

    HttpReplies(HttpCacheSemantics semantics) {
        this.semantics = semantics;
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        return content(status, Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8), OriginResponse.TEXT, "no-store");
    }

    static FullHttpResponse content(HttpResponseStatus status, ByteBuf body, String contentType, String cacheControl) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return response;
    }

    /** Writes {@code response}, whose content this method owns from here on. */
    void respond(ChannelHandlerContext ctx, boolean keepAlive, boolean head, FullHttpResponse response) {
        semantics.corsHeaders().forEach(response.headers()::set);
        respondAsIs(ctx, keepAlive, head, response);
    }

    /**
     * As {@link #respond}, for a response that carries its own CORS headers (WHEP's differ from
     * the media's): they are left as they are.
     */
    void respondAsIs(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        respondAsIs(ctx, keepAlive, false, response);
    }

    private void respondAsIs(ChannelHandlerContext ctx, boolean keepAlive, boolean head, FullHttpResponse response) {
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
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
}
