package dev.glasscast.server.http;

import dev.glasscast.edge.EdgeCache;
import dev.glasscast.edge.HttpCacheSemantics;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import dev.glasscast.packager.SegmentStreaming;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import dev.glasscast.server.api.AdminRoutes;
import dev.glasscast.server.webrtc.WebRtcServer;
import dev.glasscast.server.webrtc.WhepEndpoint;
import dev.glasscast.server.webrtc.WhipEndpoint;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's router: sends each request to what answers it. {@code /live/...} goes to the
 * {@link MediaResponder} (through the edge cache), the operator's routes to {@link AdminRoutes};
 * the watch page, its assets, {@code /healthz} and {@code /time} are answered here. Signed
 * playback is checked before any media is looked up. Anything that completes asynchronously
 * stops the channel reading until it is answered, so responses leave in request order.
 */
final class HttpMediaHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpMediaHandler.class);

    private final WebContent web;
    private final String homeStream;
    private final AdminRoutes admin;
    private final PlaybackTokens tokens;
    private final HttpReplies replies;
    private final MediaResponder mediaResponder;
    private final WebRtcServer webrtc;

    /**
     * @param homeStream the stream whose watch page {@code /} leads to when no operator side is served
     * @param admin     the dashboard, API and metrics; null serves none of them (404), and {@code /}
     *                  then always leads to {@code homeStream}
     * @param streaming streams segments still being written (low-latency DASH); null for none
     * @param tokens    which streams need a signed playback token, and the judge of tokens
     * @param webrtc    the WHEP and WHIP resources; null when WebRTC is off (their paths then answer 404)
     * @param openFiles the files bodies are sent from with sendfile
     */
    HttpMediaHandler(EdgeCache edge, HttpCacheSemantics semantics, WebContent web, String homeStream,
                     AdminRoutes admin, SegmentStreaming streaming, PlaybackTokens tokens, WebRtcServer webrtc,
                     OpenFiles openFiles) {
        this.tokens = tokens;
        this.webrtc = webrtc;
        this.web = web;
        this.homeStream = homeStream;
        this.admin = admin;
        this.replies = new HttpReplies(semantics);
        this.mediaResponder = new MediaResponder(edge, semantics, streaming, openFiles, replies);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!request.decoderResult().isSuccess()) {
            replies.respond(ctx, false, false, HttpReplies.text(HttpResponseStatus.BAD_REQUEST, "malformed request"));
            return;
        }
        RequestTarget.Route route = RequestTarget.parse(request.uri());
        if (admin != null && (route instanceof RequestTarget.Dashboard || route instanceof RequestTarget.Api
                || route instanceof RequestTarget.Metrics)) {
            // The operator's routes check their own methods (the API has a POST) and token.
            ctx.channel().config().setAutoRead(false);
            admin.handle(request.method(), request.headers(), ByteBufUtil.getBytes(request.content()), route).whenComplete((response, failure) -> ctx.executor().execute(() -> {
                replies.respond(ctx, keepAlive, head, failure != null
                        ? HttpReplies.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error") : response);
                ctx.channel().config().setAutoRead(true);
            }));
            return;
        }
        if (route instanceof RequestTarget.Media media
                && WhepEndpoint.isWhepPath(media.request().rendition(), media.request().resource())) {
            if (webrtc == null) {
                // webrtc.enabled is false: no WHEP resource exists, whatever the method.
                replies.respond(ctx, keepAlive, head, HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found"));
            } else {
                whep(ctx, request, media, keepAlive);
            }
            return;
        }
        if (route instanceof RequestTarget.Media media
                && WhipEndpoint.isWhipPath(media.request().rendition(), media.request().resource())) {
            if (webrtc == null) {
                replies.respond(ctx, keepAlive, head, HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found"));
            } else {
                whip(ctx, request, media, keepAlive);
            }
            return;
        }
        if (!head && !HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = HttpReplies.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            replies.respond(ctx, keepAlive, false, response);
            return;
        }
        // Signed playback is enforced here, before the edge cache: a refused request never
        // reaches the cache, so it can neither fill it nor join a valid request's render.
        PlaybackTokens.Verdict verdict = tokens.check(route);
        if (!verdict.allowed()) {
            replies.respond(ctx, keepAlive, head, HttpReplies.text(HttpResponseStatus.FORBIDDEN, verdict.message()));
            return;
        }
        if (route instanceof RequestTarget.Media media) {
            mediaResponder.serve(ctx, request, media, keepAlive, head);
        } else {
            replies.respond(ctx, keepAlive, head, answerHere(route));
        }
    }

    /**
     * A WHEP request. An offer is held to signed playback as the stream's HLS URLs are; the
     * session URL needs no token, its id being an unguessable secret itself.
     */
    private void whep(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget.Media media, boolean keepAlive) {
        String sessionId = media.request().rendition() == null ? null : media.request().resource();
        if (sessionId == null && HttpMethod.POST.equals(request.method())) {
            PlaybackTokens.Verdict verdict = tokens.check(media);
            if (!verdict.allowed()) {
                FullHttpResponse refused = HttpReplies.text(HttpResponseStatus.FORBIDDEN, verdict.message());
                refused.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                replies.respondAsIs(ctx, keepAlive, refused);
                return;
            }
        }
        replies.respondAsIs(ctx, keepAlive, webrtc.whep().handle(request.method(), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                ByteBufUtil.getBytes(request.content()), media.request().stream(), sessionId));
    }

    /**
     * A WHIP request: the stream key is the Bearer token, and the on_publish webhook may take its
     * time, so the answer is written when its verdict comes (reading paused until then, as for the
     * operator's API).
     */
    private void whip(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget.Media media, boolean keepAlive) {
        String sessionId = media.request().rendition() == null ? null : media.request().resource();
        java.net.InetAddress from = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress address
                ? address.getAddress() : null;
        ctx.channel().config().setAutoRead(false);
        webrtc.whip().handle(request.method(), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                request.headers().get(HttpHeaderNames.AUTHORIZATION), ByteBufUtil.getBytes(request.content()),
                media.request().stream(), sessionId, from).whenComplete((response, failure) -> ctx.executor().execute(() -> {
                    replies.respondAsIs(ctx, keepAlive, failure != null
                            ? HttpReplies.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error") : response);
                    ctx.channel().config().setAutoRead(true);
                }));
    }

    /** The answer to a route that is neither media nor the operator's. */
    private FullHttpResponse answerHere(RequestTarget.Route route) {
        return switch (route) {
            case RequestTarget.Health h -> HttpReplies.text(HttpResponseStatus.OK, "ok");
            case RequestTarget.Time t -> HttpReplies.content(HttpResponseStatus.OK, Unpooled.copiedBuffer(
                    DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)),
                    StandardCharsets.UTF_8), OriginResponse.TEXT, "no-store");
            case RequestTarget.Home h -> {
                String home = homeLocation();
                FullHttpResponse response = HttpReplies.text(HttpResponseStatus.FOUND, "see " + home);
                response.headers().set(HttpHeaderNames.LOCATION, home);
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                yield response;
            }
            case RequestTarget.Watch watch -> HttpReplies.content(HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(web.watchPage(watch.stream(), watch.token()), StandardCharsets.UTF_8),
                    "text/html; charset=utf-8", "no-cache");
            case RequestTarget.Asset asset -> web.asset(asset.name())
                    .map(a -> HttpReplies.content(HttpResponseStatus.OK, a.body(), a.contentType(), "public, max-age=86400"))
                    .orElseGet(() -> HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found"));
            case RequestTarget.BadRequest bad -> HttpReplies.text(HttpResponseStatus.BAD_REQUEST, bad.reason());
            // The operator's routes land here only when no operator side is served.
            case RequestTarget.Dashboard d -> HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found");
            case RequestTarget.Api a -> HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found");
            case RequestTarget.Metrics m -> HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found");
            case RequestTarget.NotFound n -> HttpReplies.text(HttpResponseStatus.NOT_FOUND, "not found");
            case RequestTarget.Media m -> throw new IllegalStateException("media is the media responder's");
        };
    }

    /**
     * Where {@code /} leads: the watch page when exactly one stream is live (a viewer who types
     * the bare address sees it), else the dashboard, which lists every stream and its QR code.
     */
    private String homeLocation() {
        if (admin == null) {
            return "/watch/" + homeStream;
        }
        List<String> live = admin.liveStreams();
        return live.size() == 1 ? "/watch/" + live.get(0) : "/dashboard";
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            // Passed on so the pipeline's tail releases reference-counted events: an h2c
            // UpgradeEvent holds the upgrade request, which leaked when this swallowed it.
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
