package dev.glasscast.server.http;

import dev.glasscast.edge.EdgeCache;
import dev.glasscast.edge.EdgeResponse;
import dev.glasscast.edge.HttpCacheSemantics;
import dev.glasscast.edge.ObjectMetadata;
import dev.glasscast.edge.RangeDecision;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.FileSpan;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.SegmentStreaming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code /live/...}: through the {@link EdgeCache} with HTTP caching semantics (ETag,
 * 304, Range), a segment still being written as a chunked response, and bodies that lie in a
 * file with sendfile. Runs on the channel's event loop; while a render is in flight it stops the
 * channel reading, so responses leave in request order.
 */
final class MediaResponder {

    private static final Logger log = LoggerFactory.getLogger(MediaResponder.class);

    private final EdgeCache edge;
    private final HttpCacheSemantics semantics;
    private final SegmentStreaming streaming;
    private final OpenFiles openFiles;
    private final HttpReplies replies;

    /**
     * @param streaming streams segments still being written (low-latency DASH); null for none
     * @param openFiles the files bodies are sent from with sendfile
     */
    MediaResponder(EdgeCache edge, HttpCacheSemantics semantics, SegmentStreaming streaming, OpenFiles openFiles,
                   HttpReplies replies) {
        this.edge = edge;
        this.semantics = semantics;
        this.streaming = streaming;
        this.openFiles = openFiles;
        this.replies = replies;
    }

    void serve(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget.Media media, boolean keepAlive,
               boolean head) {
        HttpHeaders headers = request.headers();
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        String ifModifiedSince = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        String range = headers.get(HttpHeaderNames.RANGE);
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        EdgeResponse hit = edge.fetchIfFresh(media.request());
        if (hit != null) {
            // The common case, answered before anything slower is looked at: a cached 200 is
            // complete, so it is never a segment still being written (streamed below).
            respondMedia(ctx, keepAlive, head, toHttp(media.request(), hit, ifNoneMatch, ifModifiedSince, range, ifRange));
            return;
        }
        if (!head && range == null && streaming != null
                && streaming.streamIfOpen(media.request(), new ChunkedSegment(ctx, keepAlive))) {
            // The parts arrive on the event loop after this returns; until the last, read nothing more.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        CompletableFuture<EdgeResponse> fetch = edge.fetch(media.request());
        if (fetch.isDone()) {
            // A cache hit: answer at once, without pausing reads or hopping threads.
            answer(ctx, keepAlive, head, media, fetch, ifNoneMatch, ifModifiedSince, range, ifRange);
        } else {
            ctx.channel().config().setAutoRead(false);
            fetch.whenComplete((fetched, failure) -> ctx.executor().execute(() -> {
                answer(ctx, keepAlive, head, media, fetch, ifNoneMatch, ifModifiedSince, range, ifRange);
                ctx.channel().config().setAutoRead(true);
            }));
        }
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, boolean head, RequestTarget.Media media,
                        CompletableFuture<EdgeResponse> fetch, String ifNoneMatch, String ifModifiedSince,
                        String range, String ifRange) {
        EdgeResponse fetched;
        try {
            fetched = fetch.join();
        } catch (CompletionException | CancellationException failure) {
            log.error("rendering {} failed", media.request().cacheKey(), failure);
            replies.respond(ctx, keepAlive, head, HttpReplies.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
            return;
        }
        respondMedia(ctx, keepAlive, head, toHttp(media.request(), fetched, ifNoneMatch, ifModifiedSince, range, ifRange));
    }

    /**
     * How much of a body sent from a file goes out from memory, in the same write as the headers.
     * Java cannot cork a socket (nginx's tcp_nopush), so headers written alone leave as a tiny
     * TCP segment of their own; on loopback that made the client spend about 40 % more CPU per
     * 1 MB response (bench/edge/run.sh: 0.72x nginx without a prefix, 0.94-1.14x with 64 KiB;
     * 16 KiB and 256 KiB were both worse).
     */
    static final int BODY_PREFIX_FROM_MEMORY = 64 * 1024;

    /**
     * A media response, and where its body also lies on disk ({@code file}, narrowed to the range
     * sent; null when the bytes are only in memory or there is no body to send).
     */
    private record MediaAnswer(FullHttpResponse response, FileSpan file) {
    }

    /** Turns a cached object into a 200, 206, 304 or 416; takes ownership of {@code fetched}. */
    private MediaAnswer toHttp(OriginRequest request, EdgeResponse fetched, String ifNoneMatch,
                               String ifModifiedSince, String range, String ifRange) {
        ObjectMetadata object = fetched.metadata();
        FullHttpResponse response;
        FileSpan file = null;
        if (semantics.isNotModified(ifNoneMatch, ifModifiedSince, object, Instant.now())) {
            fetched.release();
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        } else {
            switch (semantics.range(range, ifRange, object)) {
                case RangeDecision.Full full -> {
                    response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(object.status()), fetched.body());
                    file = object.file();
                }
                case RangeDecision.Partial partial -> {
                    ByteBuf part = fetched.body().retainedSlice((int) partial.first(), (int) partial.length());
                    fetched.release();
                    response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT, part);
                    response.headers().set(HttpHeaderNames.CONTENT_RANGE, partial.contentRange());
                    if (object.file() != null) {
                        file = new FileSpan(object.file().file(), object.file().offset() + partial.first(), partial.length());
                    }
                }
                case RangeDecision.Unsatisfiable unsatisfiable -> {
                    fetched.release();
                    response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, Unpooled.EMPTY_BUFFER);
                    response.headers().set(HttpHeaderNames.CONTENT_RANGE, unsatisfiable.contentRange());
                }
            }
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, object.contentType());
        semantics.objectHeaders(request, object).forEach(response.headers()::set); // respond() adds CORS
        return new MediaAnswer(response, file);
    }

    /**
     * Writes a media response. A body that also lies in a file goes out with {@code sendfile}
     * where the connection allows it (plain HTTP/1.1): the kernel then sends the file's pages
     * without the copy of every byte into the socket that writing from memory costs, which was
     * 40 % of the CPU a cached 1 MB segment took. The body's first {@link #BODY_PREFIX_FROM_MEMORY}
     * bytes still go from memory, with the headers. HTTP/2 frames and TLS records need the bytes in
     * memory, and a file that cannot be opened (a recording moved aside) falls back to them too.
     */
    private void respondMedia(ChannelHandlerContext ctx, boolean keepAlive, boolean head, MediaAnswer answer) {
        FullHttpResponse response = answer.response();
        FileSpan file = answer.file();
        if (head || file == null || file.length() <= BODY_PREFIX_FROM_MEMORY
                || file.length() != response.content().readableBytes() || !canSendFiles(ctx)) {
            replies.respond(ctx, keepAlive, head, response);
            return;
        }
        int prefix = BODY_PREFIX_FROM_MEMORY;
        FileRegion region;
        try {
            region = openFiles.region(new FileSpan(file.file(), file.offset() + prefix, file.length() - prefix));
        } catch (IOException e) {
            log.debug("sending {} from memory: {}", file.file(), e.toString());
            replies.respond(ctx, keepAlive, head, response);
            return;
        }
        HttpResponse headers = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), response.headers());
        ByteBuf first = response.content().retainedSlice(0, prefix);
        response.release();
        semantics.corsHeaders().forEach(headers.headers()::set);
        headers.headers().set(HttpHeaderNames.CONTENT_LENGTH, file.length());
        headers.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.write(headers);
        ctx.write(new DefaultHttpContent(first));
        ctx.write(region);
        ChannelFuture sent = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            sent.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether file regions can be written here: not inside HTTP/2 frames nor TLS records. */
    private static boolean canSendFiles(ChannelHandlerContext ctx) {
        return !(ctx.channel() instanceof Http2StreamChannel) && ctx.pipeline().get(SslHandler.class) == null;
    }

    /**
     * Writes a segment that is still being written as a chunked response, a chunk per part as it
     * is cut; bypasses the edge cache (see {@link SegmentStreaming}). A segment that ends
     * incomplete closes the connection, so the client cannot take a truncated body for the whole.
     * Every write happens on the channel's event loop, in the order the sink is called.
     */
    private final class ChunkedSegment implements SegmentStreaming.PartSink {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private boolean started;

        ChunkedSegment(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        @Override
        public void part(ByteBuf part) {
            ctx.executor().execute(() -> {
                if (!ctx.channel().isActive()) {
                    part.release();
                    return;
                }
                start();
                ctx.writeAndFlush(new DefaultHttpContent(part));
            });
        }

        @Override
        public void end(boolean complete) {
            ctx.executor().execute(() -> {
                if (!started) {
                    replies.respond(ctx, keepAlive, false, HttpReplies.text(HttpResponseStatus.NOT_FOUND, "segment not available"));
                } else if (!complete) {
                    ctx.close();
                    return;
                } else if (keepAlive) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                } else {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                }
                ctx.channel().config().setAutoRead(true);
            });
        }

        private void start() {
            if (started) {
                return;
            }
            started = true;
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            // The body, once complete, is the finished segment's bytes: it caches like the finished
            // segment. With no-cache here nginx and CDNs sent every viewer's request for the live
            // edge to the origin; cacheable, they collapse them (proxy_cache_lock) into one. No
            // ETag: that is a hash of bytes not all written yet. A segment that ends incomplete
            // closes the connection, which no cache stores.
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, OriginResponse.M4S)
                    .set(HttpHeaderNames.CACHE_CONTROL, semantics.cacheControl(CacheKind.IMMUTABLE_MEDIA, false))
                    .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            semantics.corsHeaders().forEach(response.headers()::set);
            HttpUtil.setTransferEncodingChunked(response, true);
            ctx.writeAndFlush(response);
        }
    }
}
