package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.sdp.SdpAnswer;
import dev.glasscast.ingest.sdp.SdpAnswerBuilder;
import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.sdp.SdpLocalParameters;
import dev.glasscast.ingest.sdp.SdpNegotiationException;
import dev.glasscast.ingest.sdp.SdpParseException;
import dev.glasscast.ingest.sdp.SdpParser;
import dev.glasscast.ingest.sdp.SdpSessionDescription;
import dev.glasscast.ingest.stun.StunBindingResponder;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunMessageEncoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHEP resources of every stream (draft-ietf-wish-whep): {@code POST /live/{stream}/whep}
 * with an SDP offer makes a session and answers {@code 201 Created} with the SDP answer and the
 * session's URL in {@code Location}; {@code DELETE} of that URL ends it. Both answer
 * {@code OPTIONS} preflights, and every answer carries the CORS headers a player on another
 * origin needs. GlassCast is ICE-lite without trickle ICE, so {@code PATCH} is 405.
 *
 * <p>The HTTP router checks signed playback before it calls {@link #offer}; a DELETE needs no
 * token, as the session id is itself an unguessable secret.
 *
 * <p>Thread-safe; called on HTTP event loops, never blocks (no I/O: parsing and building the
 * answer are in memory). Buffer ownership: each returned response, and its content, belongs to
 * the caller, who writes it.
 */
public final class WhepEndpoint {

    private static final Logger log = LoggerFactory.getLogger(WhepEndpoint.class);

    /** The path element of the WHEP resource: {@code /live/{stream}/whep}. */
    public static final String PATH_ELEMENT = "whep";
    public static final String SDP = "application/sdp";
    public static final String ALLOW_METHODS = "POST, DELETE, OPTIONS, PATCH";
    public static final String ALLOW_HEADERS = "Content-Type, Authorization, If-Match";
    public static final String EXPOSE_HEADERS = "Location, ETag, Link";
    /** Random bytes of a session id (base64url in the Location URL). */
    static final int SESSION_ID_BYTES = 16;
    /** Random bytes of our ICE ufrag (8 ice-chars) and password (24 ice-chars, above the 22 of RFC 8839). */
    static final int UFRAG_BYTES = 6;
    static final int PASSWORD_BYTES = 18;

    private final WebRtcSessions sessions;
    private final Predicate<String> streamLive;
    private final SdpFingerprint fingerprint;
    private final List<InetSocketAddress> candidates;
    private final SdpParser parser;
    private final SdpAnswerBuilder answers;
    private final StunMessageDecoder stunDecoder;
    private final StunMessageEncoder stunEncoder;
    private final WebRtcTransportFactory transports;
    private final WebRtcDatagramSender udp;
    private final SecureRandom random;
    private final LongSupplier nanoTime;

    /**
     * @param streamLive   whether a stream is being published now (a WHEP offer for one that is
     *                     not is answered 404)
     * @param fingerprint  our DTLS certificate's fingerprint, for the answers
     * @param candidates   our host candidates: the announced address(es) with the UDP port
     * @param parser       the limits offers are read with
     * @param transports   makes each new session's DTLS-SRTP transport
     * @param udp          sends from the WebRTC UDP port, for the transports
     * @param nanoTime     the clock of STUN consent, as the UDP listener's
     */
    public WhepEndpoint(WebRtcSessions sessions, Predicate<String> streamLive, SdpFingerprint fingerprint,
                        List<InetSocketAddress> candidates, SdpParser parser, SdpAnswerBuilder answers,
                        StunMessageDecoder stunDecoder, StunMessageEncoder stunEncoder,
                        WebRtcTransportFactory transports, WebRtcDatagramSender udp, SecureRandom random,
                        LongSupplier nanoTime) {
        this.sessions = sessions;
        this.streamLive = streamLive;
        this.fingerprint = fingerprint;
        this.candidates = List.copyOf(candidates);
        this.parser = parser;
        this.answers = answers;
        this.stunDecoder = stunDecoder;
        this.stunEncoder = stunEncoder;
        this.transports = transports;
        this.udp = udp;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** Whether a {@code /live/{stream}/...} path of {@code rendition} and {@code name} is a WHEP resource. */
    public static boolean isWhepPath(String rendition, String name) {
        return rendition == null && PATH_ELEMENT.equals(name) || PATH_ELEMENT.equals(rendition);
    }

    /**
     * Answers a request for {@code /live/{stream}/whep} ({@code sessionId} null) or
     * {@code /live/{stream}/whep/{sessionId}}.
     *
     * @param contentType the request's Content-Type, or null
     */
    public FullHttpResponse handle(HttpMethod method, String contentType, byte[] body, String stream, String sessionId) {
        if (HttpMethod.OPTIONS.equals(method)) {
            return preflight(sessionId == null ? "POST, OPTIONS" : "DELETE, OPTIONS, PATCH");
        }
        if (sessionId == null) {
            return HttpMethod.POST.equals(method) ? offer(contentType, body, stream)
                    : notAllowed("POST, OPTIONS", "a WHEP endpoint takes POST with an SDP offer");
        }
        if (HttpMethod.DELETE.equals(method)) {
            return delete(stream, sessionId);
        }
        if (HttpMethod.PATCH.equals(method)) {
            // draft-ietf-wish-whep: a resource without trickle ICE or ICE restarts answers 405.
            return notAllowed("DELETE, OPTIONS", "this ICE-lite server takes no trickle ICE or ICE restart");
        }
        return notAllowed("DELETE, OPTIONS", "a WHEP session takes DELETE");
    }

    private FullHttpResponse offer(String contentType, byte[] body, String stream) {
        if (contentType == null || !SDP.equals(contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
            return text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "a WHEP offer is Content-Type: " + SDP);
        }
        if (!streamLive.test(stream)) {
            return text(HttpResponseStatus.NOT_FOUND, "stream " + stream + " is not live");
        }
        if (sessions.full()) {
            return full();
        }
        SdpSessionDescription offer;
        try {
            offer = parser.parse(body);
        } catch (SdpParseException e) {
            return text(HttpResponseStatus.BAD_REQUEST, "the offer is not valid SDP: " + e.getMessage());
        }
        String sessionId = randomText(SESSION_ID_BYTES, true);
        String ufrag = randomText(UFRAG_BYTES, false);
        String password = randomText(PASSWORD_BYTES, false);
        long audioSsrc = ssrc();
        long videoSsrc = ssrc();
        while (videoSsrc == audioSsrc) {
            videoSsrc = ssrc();
        }
        SdpLocalParameters local = new SdpLocalParameters(ufrag, password, fingerprint, candidates,
                randomText(12, true), stream, audioSsrc, videoSsrc,
                Long.toString(random.nextLong() & Long.MAX_VALUE));
        SdpAnswer answer;
        try {
            answer = answers.answer(offer, local, SdpAnswerBuilder.Mode.WHEP);
        } catch (SdpNegotiationException e) {
            return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        StunBindingResponder responder = new StunBindingResponder(ufrag, password, answer.remoteUfrag(), stunDecoder, stunEncoder);
        WebRtcSession session = new WebRtcSession(sessionId, stream, ufrag, responder, transports.create(stream, answer, udp),
                nanoTime.getAsLong());
        try {
            if (!sessions.add(session)) {
                return full();
            }
        } catch (IllegalArgumentException collision) {
            // 2^-48 for a ufrag, 2^-128 for an id: the client may simply try again.
            session.close();
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "try again");
        }
        log.info("WebRTC session {} of {} answered (ufrag {})", sessionId, stream, ufrag);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.copiedBuffer(answer.sdp(), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, SDP)
                .set(HttpHeaderNames.LOCATION, location(stream, sessionId))
                .set(HttpHeaderNames.ETAG, "\"" + ufrag + "\"")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    private FullHttpResponse delete(String stream, String sessionId) {
        boolean mine = sessions.byId(sessionId).filter(s -> s.stream().equals(stream)).isPresent();
        if (!mine || !sessions.remove(sessionId)) {
            return text(HttpResponseStatus.NOT_FOUND, "no such WHEP session");
        }
        log.info("WebRTC session {} of {} ended by DELETE", sessionId, stream);
        return text(HttpResponseStatus.OK, "session ended");
    }

    /** The WHEP session URL of {@code sessionId}, the {@code Location} of its 201. */
    public static String location(String stream, String sessionId) {
        return "/live/" + stream + "/" + PATH_ELEMENT + "/" + sessionId;
    }

    private FullHttpResponse preflight(String allow) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.ALLOW, allow)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400")
                .set("Accept-Post", SDP)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    private FullHttpResponse full() {
        FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the server has its most WebRTC sessions (" + sessions.maxSessions() + "); try again later");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
        return response;
    }

    private static FullHttpResponse notAllowed(String allow, String why) {
        FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, why);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    private static FullHttpResponse cors(FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
        return response;
    }

    /** base64url (for URLs) or base64 without padding (ice-chars are letters, digits, + and /). */
    private String randomText(int bytes, boolean urlSafe) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return (urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder()).withoutPadding().encodeToString(value);
    }

    private long ssrc() {
        long ssrc;
        do {
            ssrc = random.nextInt() & 0xFFFF_FFFFL;
        } while (ssrc == 0);
        return ssrc;
    }
}
