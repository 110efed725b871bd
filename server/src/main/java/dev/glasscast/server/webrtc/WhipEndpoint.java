package dev.glasscast.server.webrtc;

import static dev.glasscast.server.webrtc.WebRtcHttpReplies.text;

import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.sdp.SdpAnswer;
import dev.glasscast.ingest.sdp.SdpAnswerBuilder;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHIP resources of every stream (RFC 9725): {@code POST /live/{stream}/whip} with an SDP
 * offer and the stream key as the {@code Bearer} token (what OBS's WHIP service and FFmpeg's
 * {@code whip} muxer send) publishes the stream over WebRTC, and {@code DELETE} of the
 * {@code Location} it answers ends the publication. The key is checked as RTMP and SRT check it
 * (with the same limit on failures per address), then the on_publish webhook, if any, has its
 * say; a stream that is live already is refused 409, unless it is the test pattern, which a real
 * publisher takes over.
 *
 * <p>Thread-safe; called on HTTP event loops. Everything but the webhook's verdict is in memory,
 * and that verdict completes the returned future later, never blocking the caller. Buffer
 * ownership: each response, and its content, belongs to the caller, who writes it.
 */
public final class WhipEndpoint {

    private static final Logger log = LoggerFactory.getLogger(WhipEndpoint.class);

    /** The path element of the WHIP resource: {@code /live/{stream}/whip}. */
    public static final String PATH_ELEMENT = "whip";

    private final WebRtcSignalling signalling;
    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final Transports transports;

    /** Makes a WHIP session's transport, publishing through {@code publisher}. */
    @FunctionalInterface
    interface Transports {
        WebRtcTransport create(String stream, SdpAnswer answer, StreamPublisher publisher);
    }

    /**
     * @param authorizer checks the Bearer token as RTMP and SRT check a stream key, then asks
     *                   the on_publish webhook
     * @param hub        where the stream is published
     */
    WhipEndpoint(WebRtcSignalling signalling, PublishAuthorizer authorizer, StreamHub hub, Transports transports) {
        this.signalling = signalling;
        this.authorizer = authorizer;
        this.hub = hub;
        this.transports = transports;
    }

    /** Whether a {@code /live/{stream}/...} path of {@code rendition} and {@code name} is a WHIP resource. */
    public static boolean isWhipPath(String rendition, String name) {
        return WebRtcSignalling.isPath(PATH_ELEMENT, rendition, name);
    }

    /**
     * Answers a request for {@code /live/{stream}/whip} ({@code sessionId} null) or
     * {@code /live/{stream}/whip/{sessionId}}.
     *
     * @param authorization the request's Authorization header, or null
     * @param from          the publisher's address, for the key's failure limit and the webhook
     */
    public CompletableFuture<FullHttpResponse> handle(HttpMethod method, String contentType, String authorization,
                                                      byte[] body, String stream, String sessionId, InetAddress from) {
        FullHttpResponse other = signalling.notAnOffer(method, stream, sessionId, "WHIP");
        if (other != null) {
            return done(other);
        }
        if (!WebRtcHttpReplies.isSdp(contentType)) {
            return done(text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "a WHIP offer is Content-Type: " + WebRtcHttpReplies.SDP));
        }
        String key = bearer(authorization);
        if (key == null || !authorizer.mayPublish(stream, key, from)) {
            FullHttpResponse refused = text(HttpResponseStatus.UNAUTHORIZED,
                    "publish with the stream key as the Bearer token (Authorization: Bearer <key>)");
            refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return done(refused);
        }
        return switch (signalling.answer(body, stream, SdpAnswerBuilder.Mode.WHIP)) {
            case WebRtcSignalling.Refused refused -> done(refused.response());
            case WebRtcSignalling.Answered answered -> authorizer.admit(stream, "whip", from, key).thenApply(verdict ->
                    verdict.allowed() ? publish(stream, answered, from)
                            : text(HttpResponseStatus.FORBIDDEN, "refused by on_publish (" + verdict.reason() + ")"));
        };
    }

    private FullHttpResponse publish(String stream, WebRtcSignalling.Answered answered, InetAddress from) {
        StreamPublisher publisher;
        try {
            publisher = hub.publish(StreamPath.source(stream));
        } catch (StreamConflictException e) {
            return text(HttpResponseStatus.CONFLICT, "stream " + stream + " is live");
        }
        log.info("WHIP publisher of {} from {} accepted", stream, from);
        return signalling.open(PATH_ELEMENT, stream, answered, transports.create(stream, answered.answer(), publisher));
    }

    /** The token of {@code Authorization: Bearer <token>}, or null. */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
