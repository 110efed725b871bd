package dev.glasscast.server.webrtc;

import static dev.glasscast.server.webrtc.WebRtcHttpReplies.notAllowed;
import static dev.glasscast.server.webrtc.WebRtcHttpReplies.preflight;
import static dev.glasscast.server.webrtc.WebRtcHttpReplies.text;

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
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the WHEP and WHIP resources share (draft-ietf-wish-whep, RFC 9725): answering an offer
 * with fresh ICE credentials, our host candidates and certificate fingerprint; opening the session
 * its STUN checks will find; and the session URL's DELETE, PATCH and preflight. The resources add
 * who may offer and what the session's transport does.
 *
 * <p>Thread-safe; in memory only, so callable on HTTP event loops.
 */
final class WebRtcSignalling {

    private static final Logger log = LoggerFactory.getLogger(WebRtcSignalling.class);

    private final WebRtcSessions sessions;
    private final SdpFingerprint fingerprint;
    private final List<InetSocketAddress> candidates;
    private final SdpParser parser;
    private final SdpAnswerBuilder answers;
    private final StunMessageDecoder stunDecoder;
    private final StunMessageEncoder stunEncoder;
    private final SecureRandom random;
    private final LongSupplier nanoTime;

    /** An offer answered in memory; its session opens once the resource has a transport for it. */
    sealed interface Negotiation permits Answered, Refused {
    }

    record Answered(SdpAnswer answer, String ufrag, String password) implements Negotiation {
    }

    record Refused(FullHttpResponse response) implements Negotiation {
    }

    /**
     * @param fingerprint our DTLS certificate's, for every answer
     * @param candidates  our host candidates: the announced address(es) with the UDP port
     * @param parser      the limits offers are read with
     * @param nanoTime    the clock of STUN consent, as the UDP listener's
     */
    WebRtcSignalling(WebRtcSessions sessions, SdpFingerprint fingerprint, List<InetSocketAddress> candidates, SdpParser parser,
                     SdpAnswerBuilder answers, StunMessageDecoder stunDecoder, StunMessageEncoder stunEncoder,
                     SecureRandom random, LongSupplier nanoTime) {
        this.sessions = sessions;
        this.fingerprint = fingerprint;
        this.candidates = List.copyOf(candidates);
        this.parser = parser;
        this.answers = answers;
        this.stunDecoder = stunDecoder;
        this.stunEncoder = stunEncoder;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** Whether a {@code /live/{stream}/...} path of {@code rendition} and {@code name} is a {@code element} resource. */
    static boolean isPath(String element, String rendition, String name) {
        return rendition == null && element.equals(name) || element.equals(rendition);
    }

    /** The session URL of {@code sessionId} under {@code element} (whep, whip): the {@code Location} of its 201. */
    static String location(String element, String stream, String sessionId) {
        return "/live/" + stream + "/" + element + "/" + sessionId;
    }

    /**
     * The answer to anything but a POST to the resource itself ({@code sessionId} null), or null
     * for that POST, which the resource answers.
     *
     * @param what "WHEP" or "WHIP", for the messages
     */
    FullHttpResponse notAnOffer(HttpMethod method, String stream, String sessionId, String what) {
        if (HttpMethod.OPTIONS.equals(method)) {
            return preflight(sessionId == null ? "POST, OPTIONS" : "DELETE, OPTIONS, PATCH");
        }
        if (sessionId == null) {
            return HttpMethod.POST.equals(method) ? null
                    : notAllowed("POST, OPTIONS", "a " + what + " endpoint takes POST with an SDP offer");
        }
        if (HttpMethod.DELETE.equals(method)) {
            boolean mine = sessions.byId(sessionId).filter(s -> s.stream().equals(stream)).isPresent();
            if (!mine || !sessions.remove(sessionId)) {
                return text(HttpResponseStatus.NOT_FOUND, "no such " + what + " session");
            }
            log.info("{} session {} of {} ended by DELETE", what, sessionId, stream);
            return text(HttpResponseStatus.OK, "session ended");
        }
        if (HttpMethod.PATCH.equals(method)) {
            // A resource without trickle ICE or ICE restarts answers 405 (WHEP and RFC 9725 alike).
            return notAllowed("DELETE, OPTIONS", "this ICE-lite server takes no trickle ICE or ICE restart");
        }
        return notAllowed("DELETE, OPTIONS", "a " + what + " session takes DELETE");
    }

    /** Parses and answers {@code body}, an offer for {@code stream}; refused when full or not negotiable. */
    Negotiation answer(byte[] body, String stream, SdpAnswerBuilder.Mode mode) {
        if (sessions.full()) {
            return new Refused(WebRtcHttpReplies.full(sessions.maxSessions()));
        }
        SdpSessionDescription offer;
        try {
            offer = parser.parse(body);
        } catch (SdpParseException e) {
            return new Refused(text(HttpResponseStatus.BAD_REQUEST, "the offer is not valid SDP: " + e.getMessage()));
        }
        String ufrag = WebRtcHttpReplies.randomText(random, WebRtcHttpReplies.UFRAG_BYTES, false);
        String password = WebRtcHttpReplies.randomText(random, WebRtcHttpReplies.PASSWORD_BYTES, false);
        long audioSsrc = ssrc();
        long videoSsrc = ssrc();
        while (videoSsrc == audioSsrc) {
            videoSsrc = ssrc();
        }
        SdpLocalParameters local = new SdpLocalParameters(ufrag, password, fingerprint, candidates,
                WebRtcHttpReplies.randomText(random, 12, true), stream, audioSsrc, videoSsrc,
                Long.toString(random.nextLong() & Long.MAX_VALUE));
        try {
            return new Answered(answers.answer(offer, local, mode), ufrag, password);
        } catch (SdpNegotiationException e) {
            return new Refused(text(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
        }
    }

    /**
     * Opens the session of an answered offer with {@code transport} (closed again if the session
     * cannot be added) and answers 201 with its URL under {@code element}.
     */
    FullHttpResponse open(String element, String stream, Answered answered, WebRtcTransport transport) {
        String sessionId = WebRtcHttpReplies.randomText(random, WebRtcHttpReplies.SESSION_ID_BYTES, true);
        StunBindingResponder responder = new StunBindingResponder(answered.ufrag(), answered.password(),
                answered.answer().remoteUfrag(), stunDecoder, stunEncoder);
        WebRtcSession session = new WebRtcSession(sessionId, stream, answered.ufrag(), responder, transport,
                nanoTime.getAsLong());
        try {
            if (!sessions.add(session)) {
                return WebRtcHttpReplies.full(sessions.maxSessions());
            }
        } catch (IllegalArgumentException collision) {
            // 2^-48 for a ufrag, 2^-128 for an id: the client may simply try again.
            session.close();
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "try again");
        }
        log.info("WebRTC {} session {} of {} answered (ufrag {})", element, sessionId, stream, answered.ufrag());
        return WebRtcHttpReplies.created(answered.answer().sdp(), location(element, stream, sessionId), answered.ufrag());
    }

    private long ssrc() {
        long ssrc;
        do {
            ssrc = random.nextInt() & 0xFFFF_FFFFL;
        } while (ssrc == 0);
        return ssrc;
    }
}
