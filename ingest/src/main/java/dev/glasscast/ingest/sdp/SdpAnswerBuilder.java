package dev.glasscast.ingest.sdp;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Answers a WHEP or WHIP offer (RFC 3264 section 6, as JSEP RFC 8829 section 5.3 applies it).
 *
 * <p>Each audio or video section gets its codec from {@link SdpCodecSelector} with the offer's
 * payload type number, the rtcp-fb values both sides use (nack, nack pli, ccm fir, goog-remb,
 * transport-cc, when offered), the transport-cc and abs-send-time header extensions with the
 * offer's ids, the offer's mid, and the complementary direction. A WHEP answer leaves
 * transport-cc out: GlassCast sends abs-send-time and adapts to the viewer's own estimate
 * (REMB), which a browser told to send transport-wide feedback instead does not send. Transport is the same in every
 * section, as BUNDLE makes it one: {@code a=ice-lite} with our credentials and host candidates,
 * {@code a=setup:passive} (the server is the DTLS server), our SHA-256 fingerprint and rtcp-mux.
 * For media we send, {@code a=msid} and {@code a=ssrc} cname/msid lines name our SSRC.
 *
 * <p>One audio and one video section are accepted; others (a second video, a data channel) are
 * answered with port 0, which rejects them. An offer that cannot work at all is refused with an
 * {@link SdpNegotiationException}: no ICE credentials, no fingerprint, a=setup:passive, no
 * rtcp-mux, no BUNDLE for several sections, a section without H.264 packetization-mode=1 or
 * Opus/48000/2, nothing in the direction the mode needs. RTX, RED, FEC and simulcast are never
 * accepted: retransmissions are sent on the original SSRC, which browsers accept.
 *
 * <p>Immutable and thread-safe.
 */
public final class SdpAnswerBuilder {

    /** Which way media flows, which decides the answer's direction. */
    public enum Mode {
        /** WHEP playback: the client offers recvonly (or sendrecv), the server sends. */
        WHEP,
        /** WHIP ingest: the client offers sendonly (or sendrecv), the server receives. */
        WHIP
    }

    /** The transport protocol of every WebRTC media section (RFC 8829 section 5.1.2). */
    public static final String PROTOCOL = "UDP/TLS/RTP/SAVPF";
    public static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** The rtcp-fb values the media layer implements. */
    public static final Set<String> FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");

    private final SdpCodecSelector selector;

    public SdpAnswerBuilder(SdpCodecSelector selector) {
        this.selector = Objects.requireNonNull(selector);
    }

    /** Answers {@code offer} for {@code mode} with our {@code local} parameters. */
    public SdpAnswer answer(SdpSessionDescription offer, SdpLocalParameters local, Mode mode) throws SdpNegotiationException {
        List<SdpMediaDescription> sections = new ArrayList<>();
        List<SdpAnswer.Negotiated> accepted = new ArrayList<>();
        String remoteUfrag = null;
        String remotePwd = null;
        SdpFingerprint remoteFingerprint = null;
        for (SdpMediaDescription offered : offer.media()) {
            if (!acceptable(offered, accepted, mode)) {
                sections.add(rejected(offered));
                continue;
            }
            String what = offered.type() + " section" + (offered.mid() == null ? "" : " (mid " + offered.mid() + ")");
            if (offered.mid() == null) {
                throw new SdpNegotiationException("the offer's " + what + " has no a=mid");
            }
            if (!offered.protocol().equals(PROTOCOL)) {
                throw new SdpNegotiationException("the offer's " + what + " uses " + offered.protocol()
                        + "; WebRTC media is " + PROTOCOL);
            }
            String ufrag = offer.effectiveIceUfrag(offered);
            String pwd = offer.effectiveIcePwd(offered);
            if (ufrag == null || pwd == null) {
                throw new SdpNegotiationException("the offer has no a=ice-ufrag and a=ice-pwd for its " + what);
            }
            if (remoteUfrag != null && (!remoteUfrag.equals(ufrag) || !remotePwd.equals(pwd))) {
                throw new SdpNegotiationException("the offer's bundled sections have different ICE credentials");
            }
            remoteUfrag = ufrag;
            remotePwd = pwd;
            SdpFingerprint fingerprint = offer.effectiveFingerprint(offered);
            if (fingerprint == null) {
                throw new SdpNegotiationException("the offer has no a=fingerprint for its " + what + " (DTLS-SRTP needs it)");
            }
            remoteFingerprint = remoteFingerprint == null ? fingerprint : remoteFingerprint;
            if (offer.effectiveSetup(offered) == SdpSetup.PASSIVE || offer.effectiveSetup(offered) == SdpSetup.HOLDCONN) {
                throw new SdpNegotiationException("the offer's a=setup:" + offer.effectiveSetup(offered).attribute()
                        + " leaves no DTLS client; GlassCast is always passive (the DTLS server)");
            }
            if (!offered.rtcpMux()) {
                throw new SdpNegotiationException("the offer's " + what + " has no a=rtcp-mux (RTP and RTCP must share the port)");
            }
            SdpCodec codec = chooseCodec(offered, what, mode);
            SdpDirection direction = mode == Mode.WHEP ? SdpDirection.SENDONLY : SdpDirection.RECVONLY;
            long localSsrc = mode == Mode.WHEP ? (offered.type().equals("audio") ? local.audioSsrc() : local.videoSsrc()) : 0;
            SdpAnswer.Negotiated negotiated = new SdpAnswer.Negotiated(offered.mid(), offered.type(), direction, codec,
                    mode == Mode.WHEP ? 0 : offered.extmapId(TRANSPORT_CC_URI), offered.extmapId(ABS_SEND_TIME_URI), localSsrc,
                    mode == Mode.WHIP ? offered.ssrcValues() : Set.of());
            accepted.add(negotiated);
            sections.add(answerSection(offered, negotiated, local));
        }
        if (accepted.isEmpty()) {
            throw new SdpNegotiationException(mode == Mode.WHEP
                    ? "the offer has no audio or video section that receives (WHEP needs recvonly media)"
                    : "the offer has no audio or video section that sends (WHIP needs sendonly media)");
        }
        List<String> mids = accepted.stream().map(SdpAnswer.Negotiated::mid).toList();
        List<SdpSessionDescription.Group> groups = new ArrayList<>();
        var bundle = offer.bundle();
        if (bundle.isPresent() && bundle.get().mids().containsAll(mids)) {
            groups.add(new SdpSessionDescription.Group("BUNDLE", mids));
        } else if (mids.size() > 1) {
            throw new SdpNegotiationException("the offer does not BUNDLE its media sections; GlassCast carries them on one port");
        }
        List<SdpAttribute> sessionAttributes = mode == Mode.WHEP
                ? List.of(new SdpAttribute("msid-semantic", " WMS " + local.streamId())) : List.of();
        SdpSessionDescription description = new SdpSessionDescription(
                new SdpSessionDescription.Origin("-", local.sessionId(), "2", "IN", "IP4", "127.0.0.1"), "-", groups,
                true, null, null, List.of(), null, null, sessionAttributes, sections);
        return new SdpAnswer(description, SdpSerializer.serialize(description), accepted, remoteUfrag, remotePwd,
                remoteFingerprint);
    }

    /**
     * Whether {@code offered} is an audio or video section to accept: live (a port, or port 0 with
     * a=bundle-only, RFC 8843 section 6), in the right direction, the first of its kind.
     */
    private static boolean acceptable(SdpMediaDescription offered, List<SdpAnswer.Negotiated> accepted, Mode mode) {
        boolean media = offered.type().equals("audio") || offered.type().equals("video");
        boolean flows = mode == Mode.WHEP ? offered.direction().receives() : offered.direction().sends();
        boolean live = offered.port() != 0 || offered.otherAttributes().contains(new SdpAttribute("bundle-only", null));
        return media && live && flows && accepted.stream().noneMatch(a -> a.kind().equals(offered.type()));
    }

    private SdpCodec chooseCodec(SdpMediaDescription offered, String what, Mode mode) throws SdpNegotiationException {
        SdpCodec codec = offered.type().equals("video")
                ? selector.chooseH264(offered).orElseThrow(() -> new SdpNegotiationException(
                        "the offer has no H.264 with packetization-mode=1 in its " + what))
                : selector.chooseOpus(offered).orElseThrow(() -> new SdpNegotiationException(
                        "the offer has no Opus/48000/2 in its " + what));
        List<String> feedback = codec.feedback().stream().map(f -> f.trim().replaceAll(" +", " "))
                .filter(FEEDBACK::contains).filter(f -> mode == Mode.WHIP || !f.equals("transport-cc")).distinct().toList();
        return codec.withFeedback(feedback);
    }

    private static SdpMediaDescription answerSection(SdpMediaDescription offered, SdpAnswer.Negotiated negotiated,
                                                     SdpLocalParameters local) {
        InetSocketAddress first = local.candidates().get(0);
        String connection = "IN " + (first.getAddress() instanceof Inet6Address ? "IP6 " : "IP4 ")
                + SdpCandidate.hostAddress(first);
        List<SdpMediaDescription.Extmap> extmaps = offered.extmaps().stream()
                .filter(e -> e.uri().equals(ABS_SEND_TIME_URI)
                        || e.uri().equals(TRANSPORT_CC_URI) && negotiated.transportCcId() != 0)
                .map(e -> new SdpMediaDescription.Extmap(e.id(), null, e.uri(), null)).toList();
        String msid = null;
        List<SdpMediaDescription.SsrcAttribute> ssrcs = List.of();
        if (negotiated.localSsrc() != 0) {
            msid = local.streamId() + " " + local.streamId() + "-" + negotiated.kind();
            ssrcs = List.of(new SdpMediaDescription.SsrcAttribute(negotiated.localSsrc(), "cname", local.cname()),
                    new SdpMediaDescription.SsrcAttribute(negotiated.localSsrc(), "msid", msid));
        }
        List<SdpCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < local.candidates().size(); i++) {
            candidates.add(SdpCandidate.host(i, local.candidates().get(i)));
        }
        return new SdpMediaDescription(offered.type(), first.getPort(), PROTOCOL,
                List.of(String.valueOf(negotiated.codec().payloadType())), connection, offered.mid(),
                negotiated.direction(), local.iceUfrag(), local.icePwd(), List.of(), local.fingerprint(), SdpSetup.PASSIVE,
                true, false, List.of(negotiated.codec()), extmaps, ssrcs, msid, candidates, true, List.of());
    }

    /**
     * A section answered with port 0 (RFC 3264 section 6), which rejects it. Its formats are
     * ignored but one must be listed: the offer's first, with its rtpmap when it has one, so that
     * the answer reads back as written even for a static payload type.
     */
    private static SdpMediaDescription rejected(SdpMediaDescription offered) {
        String format = offered.formats().get(0);
        List<SdpCodec> codecs = offered.codecs().stream().filter(c -> String.valueOf(c.payloadType()).equals(format))
                .map(c -> new SdpCodec(c.payloadType(), c.name(), c.clockRate(), c.channels(), null, List.of())).toList();
        return new SdpMediaDescription(offered.type(), 0, offered.protocol(), List.of(format), "IN IP4 0.0.0.0",
                offered.mid(), SdpDirection.INACTIVE, null, null, List.of(), null, null, false, false, codecs,
                List.of(), List.of(), null, List.of(), false, List.of());
    }
}
