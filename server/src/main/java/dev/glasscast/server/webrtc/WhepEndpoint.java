package dev.glasscast.server.webrtc;

import static dev.glasscast.server.webrtc.WebRtcHttpReplies.text;

import dev.glasscast.ingest.sdp.SdpAnswerBuilder;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Predicate;

/**
 * The WHEP resources of every stream (draft-ietf-wish-whep): {@code POST /live/{stream}/whep}
 * with an SDP offer makes a session and answers {@code 201 Created} with the SDP answer and the
 * session's URL in {@code Location}; {@code DELETE} of that URL ends it. Both answer
 * {@code OPTIONS} preflights, and every answer carries the CORS headers a player on another
 * origin needs. GlassCast is ICE-lite without trickle ICE, so {@code PATCH} is 405.
 *
 * <p>The HTTP router checks signed playback before it calls {@link #handle}; a DELETE needs no
 * token, as the session id is itself an unguessable secret.
 *
 * <p>Thread-safe; called on HTTP event loops, never blocks (no I/O: parsing and building the
 * answer are in memory). Buffer ownership: each returned response, and its content, belongs to
 * the caller, who writes it.
 */
public final class WhepEndpoint {

    /** The path element of the WHEP resource: {@code /live/{stream}/whep}. */
    public static final String PATH_ELEMENT = "whep";

    private final WebRtcSignalling signalling;
    private final Predicate<String> streamLive;
    private final WebRtcTransportFactory transports;
    private final WebRtcDatagramSender udp;

    /**
     * @param streamLive whether a stream is being published now (a WHEP offer for one that is
     *                   not is answered 404)
     * @param transports makes each new session's DTLS-SRTP transport
     * @param udp        sends from the WebRTC UDP port, for the transports
     */
    WhepEndpoint(WebRtcSignalling signalling, Predicate<String> streamLive, WebRtcTransportFactory transports,
                 WebRtcDatagramSender udp) {
        this.signalling = signalling;
        this.streamLive = streamLive;
        this.transports = transports;
        this.udp = udp;
    }

    /** Whether a {@code /live/{stream}/...} path of {@code rendition} and {@code name} is a WHEP resource. */
    public static boolean isWhepPath(String rendition, String name) {
        return WebRtcSignalling.isPath(PATH_ELEMENT, rendition, name);
    }

    /** The WHEP session URL of {@code sessionId}, the {@code Location} of its 201. */
    public static String location(String stream, String sessionId) {
        return WebRtcSignalling.location(PATH_ELEMENT, stream, sessionId);
    }

    /**
     * Answers a request for {@code /live/{stream}/whep} ({@code sessionId} null) or
     * {@code /live/{stream}/whep/{sessionId}}.
     *
     * @param contentType the request's Content-Type, or null
     */
    public FullHttpResponse handle(HttpMethod method, String contentType, byte[] body, String stream, String sessionId) {
        FullHttpResponse other = signalling.notAnOffer(method, stream, sessionId, "WHEP");
        if (other != null) {
            return other;
        }
        if (!WebRtcHttpReplies.isSdp(contentType)) {
            return text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "a WHEP offer is Content-Type: " + WebRtcHttpReplies.SDP);
        }
        if (!streamLive.test(stream)) {
            return text(HttpResponseStatus.NOT_FOUND, "stream " + stream + " is not live");
        }
        return switch (signalling.answer(body, stream, SdpAnswerBuilder.Mode.WHEP)) {
            case WebRtcSignalling.Refused refused -> refused.response();
            case WebRtcSignalling.Answered answered -> signalling.open(PATH_ELEMENT, stream, answered,
                    transports.create(stream, answered.answer(), udp));
        };
    }
}
