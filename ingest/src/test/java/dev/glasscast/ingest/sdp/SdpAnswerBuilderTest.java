package dev.glasscast.ingest.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SdpAnswerBuilderTest {

    static final SdpFingerprint OUR_FINGERPRINT = SdpFingerprint.sha256(
            "D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F");
    static final SdpLocalParameters LOCAL = new SdpLocalParameters("gC4sQ2", "tQ3mD8bZp1Vw6kLx9sRn2yHf", OUR_FINGERPRINT,
            List.of(new InetSocketAddress("203.0.113.10", 8189)), "glasscast", "main", 1_000_001L, 1_000_002L,
            "7017341285934052891");

    private final SdpParser parser = new SdpParser();
    private final SdpAnswerBuilder builder = new SdpAnswerBuilder(new SdpCodecSelector());

    /** The whole answer to Chromium's WHEP offer, line by line: every line matters to the browser. */
    private static final String CHROMIUM_WHEP_ANSWER = """
            v=0
            o=- 7017341285934052891 2 IN IP4 127.0.0.1
            s=-
            t=0 0
            a=group:BUNDLE 0 1
            a=ice-lite
            a=msid-semantic: WMS main
            m=video 8189 UDP/TLS/RTP/SAVPF 106
            c=IN IP4 203.0.113.10
            a=mid:0
            a=ice-ufrag:gC4sQ2
            a=ice-pwd:tQ3mD8bZp1Vw6kLx9sRn2yHf
            a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
            a=setup:passive
            a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
            a=sendonly
            a=msid:main main-video
            a=rtcp-mux
            a=rtpmap:106 H264/90000
            a=rtcp-fb:106 goog-remb
            a=rtcp-fb:106 ccm fir
            a=rtcp-fb:106 nack
            a=rtcp-fb:106 nack pli
            a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
            a=ssrc:1000002 cname:glasscast
            a=ssrc:1000002 msid:main main-video
            a=candidate:1 1 udp 2130706431 203.0.113.10 8189 typ host
            a=end-of-candidates
            m=audio 8189 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 203.0.113.10
            a=mid:1
            a=ice-ufrag:gC4sQ2
            a=ice-pwd:tQ3mD8bZp1Vw6kLx9sRn2yHf
            a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
            a=setup:passive
            a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
            a=sendonly
            a=msid:main main-audio
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            a=fmtp:111 minptime=10;useinbandfec=1
            a=ssrc:1000001 cname:glasscast
            a=ssrc:1000001 msid:main main-audio
            a=candidate:1 1 udp 2130706431 203.0.113.10 8189 typ host
            a=end-of-candidates
            """.replace("\n", "\r\n");

    @Test
    void chromiumWhepOfferGetsAnIceLitePassiveSendonlyAnswer() throws Exception {
        SdpAnswer answer = builder.answer(parser.parse(SdpOffers.chromiumWhep()), LOCAL, SdpAnswerBuilder.Mode.WHEP);
        assertEquals(CHROMIUM_WHEP_ANSWER, answer.sdp());
        assertEquals("yT3d", answer.remoteUfrag());
        assertEquals("Kx9Q2mVbN7pLr4sWc1zHf8Ja", answer.remotePwd());
        assertTrue(answer.remoteFingerprint().value().startsWith("5B:3A"));

        SdpAnswer.Negotiated video = answer.media("video").orElseThrow();
        assertEquals("0", video.mid());
        assertEquals(106, video.codec().payloadType(), "42e01f packetization-mode=1, not 42001f (102) or mode 0 (108)");
        assertEquals(SdpDirection.SENDONLY, video.direction());
        assertEquals(0, video.transportCcId(), "no transport-cc: the viewer's REMB is what GlassCast adapts to");
        assertEquals(2, video.absSendTimeId());
        assertEquals(1_000_002L, video.localSsrc());
        SdpAnswer.Negotiated audio = answer.media("audio").orElseThrow();
        assertEquals(111, audio.codec().payloadType());
        assertEquals(1_000_001L, audio.localSsrc());
        assertEquals(List.of(), audio.codec().feedback());

        // The answer is itself SDP this parser reads back to the same model.
        assertEquals(answer.description(), parser.parse(answer.sdp()));
    }

    @Test
    void obsWhipOfferGetsARecvonlyAnswerWithoutOurSsrcs() throws Exception {
        SdpAnswer answer = builder.answer(parser.parse(SdpOffers.obsWhip()), LOCAL, SdpAnswerBuilder.Mode.WHIP);
        List<String> lines = List.of(answer.sdp().split("\r\n"));
        assertTrue(answer.sdp().endsWith("\r\n"));
        assertEquals("v=0", lines.get(0));
        assertTrue(lines.contains("a=group:BUNDLE 0 1"));
        assertTrue(lines.contains("a=ice-lite"));
        assertFalse(answer.sdp().contains("a=group:LS"), "lip-sync grouping is the sender's business");
        assertFalse(answer.sdp().contains("msid"), "we send nothing, so no msid or msid-semantic");
        assertFalse(answer.sdp().contains("a=ssrc"));
        assertFalse(answer.sdp().contains("a=extmap"), "OBS offers no header extensions");
        assertEquals(2, lines.stream().filter("a=recvonly"::equals).count());
        assertEquals(2, lines.stream().filter("a=setup:passive"::equals).count());
        assertEquals(2, lines.stream().filter("a=rtcp-mux"::equals).count());
        assertEquals(2, lines.stream().filter("a=ice-ufrag:gC4sQ2"::equals).count());
        assertEquals(2, lines.stream().filter("a=candidate:1 1 udp 2130706431 203.0.113.10 8189 typ host"::equals).count());
        assertTrue(lines.contains("a=fingerprint:sha-256 " + OUR_FINGERPRINT.value()));
        int audio = lines.indexOf("m=audio 8189 UDP/TLS/RTP/SAVPF 111");
        int video = lines.indexOf("m=video 8189 UDP/TLS/RTP/SAVPF 96");
        assertTrue(audio > 0 && video > audio, "sections in offer order");
        assertEquals("a=mid:0", lines.get(audio + 2));
        assertEquals("a=mid:1", lines.get(video + 2));
        assertTrue(lines.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(lines.contains("a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1"));
        assertTrue(lines.contains("a=rtpmap:96 H264/90000"));
        assertTrue(lines.containsAll(List.of("a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 goog-remb")));
        assertTrue(lines.contains("a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1"));

        assertEquals("Q0fb", answer.remoteUfrag(), "session-level credentials resolved");
        assertEquals(Set.of(2981743105L), answer.media("video").orElseThrow().remoteSsrcs());
        assertEquals(Set.of(2981743104L), answer.media("audio").orElseThrow().remoteSsrcs());
        assertEquals(0, answer.media("video").orElseThrow().localSsrc());
        assertEquals(SdpDirection.RECVONLY, answer.media("audio").orElseThrow().direction());
    }

    @Test
    void h264ProfilesAreRankedByPreference() throws Exception {
        String offer = videoOffer("a=rtpmap:100 H264/90000\r\na=fmtp:100 packetization-mode=1;profile-level-id=640c1f\r\n"
                + "a=rtpmap:101 H264/90000\r\na=fmtp:101 profile-level-id=4d001f;packetization-mode=1\r\n"
                + "a=rtpmap:102 H264/90000\r\na=fmtp:102 profile-level-id=42e01f;packetization-mode=0\r\n", "100 101 102");
        assertEquals(101, chosenVideo(builder, offer), "Main before Constrained High; mode 0 never");
        SdpAnswerBuilder highFirst = new SdpAnswerBuilder(new SdpCodecSelector(List.of("640C", "4d00")));
        assertEquals(100, chosenVideo(highFirst, offer));
        SdpAnswerBuilder baselineOnly = new SdpAnswerBuilder(new SdpCodecSelector(List.of("42e0")));
        assertRejected(baselineOnly, offer, SdpAnswerBuilder.Mode.WHEP, "no H.264 with packetization-mode=1");

        String asymmetry = videoOffer("a=rtpmap:100 H264/90000\r\na=fmtp:100 packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:101 H264/90000\r\na=fmtp:101 packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1\r\n",
                "100 101");
        assertEquals(101, chosenVideo(builder, asymmetry), "level-asymmetry-allowed=1 preferred among equals");
        String noProfile = videoOffer("a=rtpmap:100 H264/90000\r\na=fmtp:100 packetization-mode=1\r\n", "100");
        assertEquals(100, chosenVideo(builder, noProfile), "no profile-level-id means Baseline 420010");
    }

    @Test
    void offersWithoutAUsableCodecOrTransportAreRefusedWithAReason() {
        String chromium = SdpOffers.chromiumWhep();
        String vp8Only = videoOffer("a=rtpmap:96 VP8/90000\r\n", "96");
        assertRejected(builder, vp8Only, SdpAnswerBuilder.Mode.WHEP, "the offer has no H.264 with packetization-mode=1 in its video section (mid 0)");
        String mode0Only = videoOffer("a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n", "96");
        assertRejected(builder, mode0Only, SdpAnswerBuilder.Mode.WHEP, "no H.264 with packetization-mode=1");
        String noOpus = chromium.replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/1");
        assertRejected(builder, noOpus, SdpAnswerBuilder.Mode.WHEP, "the offer has no Opus/48000/2 in its audio section (mid 1)");
        assertRejected(builder, chromium, SdpAnswerBuilder.Mode.WHIP, "WHIP needs sendonly media");
        assertRejected(builder, SdpOffers.obsWhip(), SdpAnswerBuilder.Mode.WHEP, "WHEP needs recvonly media");
        assertRejected(builder, chromium.replaceAll("a=fingerprint:[^\r]*\r\n", ""), SdpAnswerBuilder.Mode.WHEP,
                "no a=fingerprint");
        assertRejected(builder, chromium.replaceAll("a=ice-pwd:[^\r]*\r\n", ""), SdpAnswerBuilder.Mode.WHEP,
                "no a=ice-ufrag and a=ice-pwd");
        assertRejected(builder, chromium.replace("a=setup:actpass", "a=setup:passive"), SdpAnswerBuilder.Mode.WHEP,
                "a=setup:passive leaves no DTLS client");
        assertRejected(builder, chromium.replace("a=rtcp-mux\r\n", ""), SdpAnswerBuilder.Mode.WHEP, "no a=rtcp-mux");
        assertRejected(builder, chromium.replace("a=group:BUNDLE 0 1\r\n", ""), SdpAnswerBuilder.Mode.WHEP, "does not BUNDLE");
        assertRejected(builder, chromium.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"), SdpAnswerBuilder.Mode.WHEP,
                "uses RTP/AVP; WebRTC media is UDP/TLS/RTP/SAVPF");
    }

    @Test
    void extraSectionsAreRejectedWithPortZeroAndLeftOutOfBundle() throws Exception {
        String offer = SdpOffers.chromiumWhep().replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2 3")
                + "m=video 9 UDP/TLS/RTP/SAVPF 106\r\na=mid:2\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:106 H264/90000\r\n"
                + "a=fmtp:106 packetization-mode=1;profile-level-id=42e01f\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:3\r\na=sctp-port:5000\r\n";
        SdpAnswer answer = builder.answer(parser.parse(offer), LOCAL, SdpAnswerBuilder.Mode.WHEP);
        List<String> lines = List.of(answer.sdp().split("\r\n"));
        assertTrue(lines.contains("a=group:BUNDLE 0 1"));
        assertTrue(lines.contains("m=video 0 UDP/TLS/RTP/SAVPF 106"));
        assertTrue(lines.contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel"));
        assertTrue(lines.contains("a=mid:2") && lines.contains("a=mid:3"));
        assertEquals(2, answer.media().size());
        assertEquals(answer.description(), parser.parse(answer.sdp()));

        // A bundle-only section (port 0, RFC 8843) is live; the rejected audio lists one format with its rtpmap.
        String bundleOnly = SdpOffers.chromiumWhep().replace("m=audio 54219", "m=audio 0")
                .replace("a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
        assertTrue(builder.answer(parser.parse(bundleOnly), LOCAL, SdpAnswerBuilder.Mode.WHEP).media("audio").isPresent());
        String sdp = builder.answer(parser.parse(SdpOffers.chromiumWhep().replace("a=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n"
                + "a=rtpmap:111", "a=inactive\r\na=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:111")), LOCAL, SdpAnswerBuilder.Mode.WHEP).sdp();
        assertTrue(sdp.contains("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=inactive\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n"), sdp);
    }

    @Test
    void ipv6AndSeveralCandidatesAreWrittenInOrder() throws Exception {
        SdpLocalParameters twoAddresses = new SdpLocalParameters(LOCAL.iceUfrag(), LOCAL.icePwd(), OUR_FINGERPRINT,
                List.of(new InetSocketAddress("2001:db8::10", 8189), new InetSocketAddress("192.168.1.5", 8189)),
                LOCAL.cname(), LOCAL.streamId(), 5, 6, "1");
        String sdp = builder.answer(parser.parse(SdpOffers.obsWhip()), twoAddresses, SdpAnswerBuilder.Mode.WHIP).sdp();
        assertTrue(sdp.contains("c=IN IP6 2001:db8:0:0:0:0:0:10\r\n"), sdp);
        assertTrue(sdp.contains("a=candidate:1 1 udp 2130706431 2001:db8:0:0:0:0:0:10 8189 typ host\r\n"
                + "a=candidate:2 1 udp 2130706175 192.168.1.5 8189 typ host\r\na=end-of-candidates\r\n"), sdp);
    }

    @Test
    void localParametersAreValidated() {
        List<InetSocketAddress> one = LOCAL.candidates();
        assertThrows(IllegalArgumentException.class, () -> new SdpLocalParameters("abc", LOCAL.icePwd(), OUR_FINGERPRINT,
                one, "c", "s", 1, 2, "1"), "ufrag too short");
        assertThrows(IllegalArgumentException.class, () -> new SdpLocalParameters("abcd", "short", OUR_FINGERPRINT,
                one, "c", "s", 1, 2, "1"), "password too short");
        assertThrows(IllegalArgumentException.class, () -> new SdpLocalParameters("ab:d", LOCAL.icePwd(), OUR_FINGERPRINT,
                one, "c", "s", 1, 2, "1"), "':' would break the STUN USERNAME");
        assertThrows(IllegalArgumentException.class, () -> new SdpLocalParameters("abcd", LOCAL.icePwd(), OUR_FINGERPRINT,
                List.of(), "c", "s", 1, 2, "1"), "no candidate");
        assertThrows(IllegalArgumentException.class, () -> new SdpLocalParameters("abcd", LOCAL.icePwd(), OUR_FINGERPRINT,
                one, "c", "s", 7, 7, "1"), "same SSRC twice");
        assertThrows(IllegalArgumentException.class, () -> SdpFingerprint.sha256("AB:CD"));
    }

    private int chosenVideo(SdpAnswerBuilder answerBuilder, String offer) throws Exception {
        return answerBuilder.answer(parser.parse(offer), LOCAL, SdpAnswerBuilder.Mode.WHEP).media("video").orElseThrow()
                .codec().payloadType();
    }

    private void assertRejected(SdpAnswerBuilder answerBuilder, String offer, SdpAnswerBuilder.Mode mode, String reasonPart) {
        SdpNegotiationException e = assertThrows(SdpNegotiationException.class,
                () -> answerBuilder.answer(parser.parse(offer), LOCAL, mode));
        assertTrue(e.getMessage().contains(reasonPart), "'" + e.getMessage() + "' lacks '" + reasonPart + "'");
    }

    /** A one-section recvonly video offer with the given rtpmap/fmtp lines. */
    private static String videoOffer(String codecLines, String payloadTypes) {
        return SdpParserTest.minimal("a=group:BUNDLE 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
                + "a=fingerprint:sha-256 " + OUR_FINGERPRINT.value() + "\r\na=setup:actpass\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF " + payloadTypes + "\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" + codecLines);
    }
}
