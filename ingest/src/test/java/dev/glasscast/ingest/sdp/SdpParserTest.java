package dev.glasscast.ingest.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SdpParserTest {

    private final SdpParser parser = new SdpParser();

    @Test
    void chromiumRecvonlyOfferIsModelled() throws Exception {
        SdpSessionDescription offer = parser.parse(SdpOffers.chromiumWhep());
        assertEquals("4215775240449105457", offer.origin().sessionId());
        assertEquals(List.of("0", "1"), offer.bundle().orElseThrow().mids());
        assertNull(offer.iceUfrag(), "Chromium writes ICE credentials per section");
        assertEquals(2, offer.media().size());
        assertTrue(offer.otherAttributes().contains(new SdpAttribute("extmap-allow-mixed", null)));

        SdpMediaDescription video = offer.media().get(0);
        assertEquals("video", video.type());
        assertEquals(54219, video.port());
        assertEquals("UDP/TLS/RTP/SAVPF", video.protocol());
        assertEquals("0", video.mid());
        assertEquals(SdpDirection.RECVONLY, video.direction());
        assertTrue(video.rtcpMux());
        assertTrue(video.rtcpReducedSize());
        assertEquals(25, video.formats().size());
        assertEquals(25, video.codecs().size());
        SdpCodec h264 = video.codec(106).orElseThrow();
        assertTrue(h264.is("h264", 90000));
        assertEquals("42e01f", h264.parameter("profile-level-id"));
        assertEquals("1", h264.parameter("packetization-mode"));
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), h264.feedback());
        assertEquals("apt=106", video.codec(107).orElseThrow().fmtp());
        assertEquals(4, video.extmapId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));
        assertEquals(2, video.extmapId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"));
        assertEquals(0, video.extmapId("urn:example:none"));
        assertEquals("yT3d", offer.effectiveIceUfrag(video));
        assertEquals("Kx9Q2mVbN7pLr4sWc1zHf8Ja", offer.effectiveIcePwd(video));
        assertEquals(List.of("trickle"), video.iceOptions());
        assertEquals(SdpSetup.ACTPASS, offer.effectiveSetup(video));
        assertEquals("sha-256", offer.effectiveFingerprint(video).hashFunction());
        assertTrue(offer.effectiveFingerprint(video).value().startsWith("5B:3A:9C"));
        assertEquals(2, video.candidates().size());
        SdpCandidate host = video.candidates().get(0);
        assertEquals("6f0c4b9e-3d7a-4e58-9a41-2c8d5b7e1f03.local", host.address());
        assertEquals(2113937151L, host.priority());
        assertEquals("host", host.type());
        assertEquals("generation 0 network-cost 999", host.extensions());
        assertEquals("tcp", video.candidates().get(1).transport());
        assertTrue(video.ssrcs().isEmpty(), "recvonly sections announce no SSRC");
        assertTrue(video.otherAttributes().contains(new SdpAttribute("rtcp", "9 IN IP4 0.0.0.0")));

        SdpMediaDescription audio = offer.media().get(1);
        assertEquals(SdpDirection.RECVONLY, audio.direction());
        assertEquals(List.of(111, 63, 9, 0, 8, 13, 110, 126), audio.codecs().stream().map(SdpCodec::payloadType).toList());
        SdpCodec opus = audio.codec(111).orElseThrow();
        assertEquals(2, opus.channels());
        assertEquals("minptime=10;useinbandfec=1", opus.fmtp());
        assertEquals(List.of("transport-cc"), opus.feedback());
        assertEquals(1, audio.codec(0).orElseThrow().channels());
        assertEquals(Set.of(), audio.ssrcValues());
    }

    @Test
    void obsSendonlyOfferResolvesSessionLevelTransport() throws Exception {
        SdpSessionDescription offer = parser.parse(SdpOffers.obsWhip());
        assertEquals(2, offer.groups().size(), "BUNDLE and LS");
        assertEquals("Q0fb", offer.iceUfrag());
        assertEquals(List.of("ice2", "trickle"), offer.iceOptions());
        SdpMediaDescription audio = offer.media(("0")).orElseThrow();
        SdpMediaDescription video = offer.media("1").orElseThrow();
        assertNull(video.iceUfrag());
        assertEquals("Q0fb", offer.effectiveIceUfrag(video));
        assertEquals("2ZYj8jEa0GX4eJpqAv1Nzk", offer.effectiveIcePwd(audio));
        assertEquals(SdpSetup.ACTPASS, offer.effectiveSetup(video));
        assertTrue(offer.effectiveFingerprint(audio).value().startsWith("A1:0C"));
        assertEquals(SdpDirection.SENDONLY, audio.direction());
        assertEquals(SdpDirection.SENDONLY, video.direction());
        assertEquals(Set.of(2981743104L), audio.ssrcValues());
        assertEquals("QeP3kDZZ7dXUmPXw", video.ssrcs().get(0).value());
        assertEquals("cname", video.ssrcs().get(0).attribute());
        assertEquals("ySvyc5Fq2E5F0fGk ySvyc5Fq2E5F0fGk-video", video.msid());
        assertEquals("IN IP4 192.168.1.50", video.connection());
        assertTrue(video.endOfCandidates());
        assertEquals("srflx", video.candidates().get(1).type());
        assertEquals("raddr 0.0.0.0 rport 0", video.candidates().get(1).extensions());
        assertEquals("profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1", video.codecs().get(0).fmtp());
        assertEquals(List.of("nack", "nack pli", "goog-remb"), video.codecs().get(0).feedback());
        assertEquals("1", audio.codecs().get(0).parameter("STEREO"));
    }

    @Test
    void lfAndCrlfParseAlikeAndSerialisingRoundTrips() throws Exception {
        for (String text : List.of(SdpOffers.chromiumWhep(), SdpOffers.obsWhip())) {
            SdpSessionDescription crlf = parser.parse(text);
            assertEquals(crlf, parser.parse(text.replace("\r\n", "\n")));
            String written = SdpSerializer.serialize(crlf);
            assertTrue(written.endsWith("\r\n"));
            assertFalse(written.replace("\r\n", "").contains("\n"), "every line ends with CRLF");
            assertEquals(crlf, parser.parse(written));
        }
    }

    @Test
    void wildcardFeedbackAppliesToEveryFormat() throws Exception {
        SdpSessionDescription offer = parser.parse(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=rtpmap:96 H264/90000\r\n"
                + "a=rtpmap:97 VP8/90000\r\na=rtcp-fb:* nack\r\na=rtcp-fb:96 ccm  fir\r\n"));
        assertEquals(List.of("ccm fir", "nack"), offer.media().get(0).codec(96).orElseThrow().feedback());
        assertEquals(List.of("nack"), offer.media().get(0).codec(97).orElseThrow().feedback());
    }

    @Test
    void malformedOffersAreRefusedWithTheLineAndReason() {
        assertRefused("", "no v=0");
        assertRefused("o=- 1 2 IN IP4 127.0.0.1\r\nv=0\r\n", "first line must be v=0");
        assertRefused("v=0\r\ns=-\r\n", "no o= line");
        assertRefused("v=1\r\n", "v=0");
        assertRefused("v=0\r\no=- x 2 IN IP4 127.0.0.1\r\n", "line 2: o= session id");
        assertRefused("v=0\r\no=- 1 2 IN IP4\r\n", "o= needs");
        assertRefused(minimal("x=unknown\r\n"), "unknown line type 'x'");
        assertRefused(minimal("garbage\r\n"), "not '<type>=<value>'");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:97 H264/90000\r\n"), "does not list");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 128\r\n"), "outside 0..127");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96 96\r\n"), "twice");
        assertRefused(minimal("m=video 70000 UDP/TLS/RTP/SAVPF 96\r\n"), "m= port 70000");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF\r\n"), "at least 4 fields");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264\r\n"), "a=rtpmap is not");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/-1\r\n"), "clock rate");
        assertRefused(minimal("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\na=rtpmap:96 VP8/90000\r\n"),
                "second a=rtpmap");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:a\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:a\r\n"),
                "two media sections have a=mid:a");
        assertRefused(minimal("a=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"), "names a mid");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=fingerprint:sha-256 XY:ZZ\r\n"), "a=fingerprint");
        assertRefused(minimal("a=setup:sometimes\r\n"), "a=setup must be");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=candidate:1 1 udp 5 10.0.0.1 5000 type host\r\n"), "'typ'");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=candidate:1 1 udp 99999999999 10.0.0.1 5000 typ host\r\n"),
                "candidate priority");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=extmap:0 urn:x\r\n"), "a=extmap id");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=ssrc:4294967296 cname:x\r\n"), "a=ssrc");
        assertRefused(minimal("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=mid:1\r\n"), "second a=mid");
        assertRefused(minimal("a=ice-ufrag:has space\r\n"), "without spaces");
        assertRefused(minimal("s=a\u0000b\r\n"), "control character");
        assertRefused(minimal("a=ice-options:,\r\n"), "a=ice-options needs");
    }

    @Test
    void limitsRefuseOversizedInput() {
        StringBuilder huge = new StringBuilder(minimal(""));
        while (huge.length() <= SdpParser.DEFAULT_MAX_BYTES) {
            huge.append("a=x-padding:0123456789012345678901234567890123456789\r\n");
        }
        assertRefused(huge.toString(), "more than the 65536 allowed");

        SdpParser small = new SdpParser(SdpParser.DEFAULT_MAX_BYTES, 10, 2, 40);
        SdpParseException lines = assertThrows(SdpParseException.class, () -> small.parse(minimal("\r\n".repeat(20))));
        assertTrue(lines.getMessage().contains("more than 10 lines"), lines.getMessage());
        SdpParseException sections = assertThrows(SdpParseException.class, () -> small.parse(
                minimal("m=audio 9 RTP/AVP 0\r\n".repeat(3))));
        assertTrue(sections.getMessage().contains("more than 2 media sections"), sections.getMessage());
        SdpParseException line = assertThrows(SdpParseException.class, () -> small.parse(minimal("a=" + "y".repeat(50) + "\r\n")));
        assertTrue(line.getMessage().contains("longer than 40"), line.getMessage());
        SdpParseException utf8 = assertThrows(SdpParseException.class, () -> parser.parse(new byte[] {'v', '=', '0', '\r', '\n', (byte) 0xC3}));
        assertTrue(utf8.getMessage().contains("not UTF-8"), utf8.getMessage());
        assertTrue(assertThrows(SdpParseException.class, () -> parser.parse(minimal("a=" + "z".repeat(5000))))
                .getMessage().length() < 200, "error messages do not echo long input");
    }

    @Test
    void mutatedOffersOnlyEverFailAsParseExceptions() {
        Random random = new Random(8866);
        byte[] original = SdpOffers.chromiumWhep().getBytes(StandardCharsets.UTF_8);
        String alphabet = "0123456789 :/=;*-\r\nabcmvo\u0000\u00ff";
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input = original.clone();
            for (int edits = 1 + random.nextInt(6); edits > 0; edits--) {
                input[random.nextInt(input.length)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            try {
                parser.parse(input);
                parsed++;
            } catch (SdpParseException expected) {
                // refused with a reason: fine
            }
        }
        assertTrue(parsed > 0, "some mutations still parse");
    }

    private void assertRefused(String text, String reasonPart) {
        SdpParseException e = assertThrows(SdpParseException.class, () -> parser.parse(text), text);
        assertTrue(e.getMessage().contains(reasonPart), "'" + e.getMessage() + "' lacks '" + reasonPart + "'");
    }

    static String minimal(String rest) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + rest;
    }
}
