package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.config.WebRtcConfig;
import dev.glasscast.ingest.sdp.SdpCandidate;
import dev.glasscast.ingest.sdp.SdpMediaDescription;
import dev.glasscast.ingest.sdp.SdpParser;
import dev.glasscast.ingest.sdp.SdpSessionDescription;
import dev.glasscast.ingest.sdp.SdpSetup;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHEP against an in-process daemon with {@code webrtc.enabled}: Chromium's own offer gets a 201
 * with an ICE-lite passive answer on the UDP port, DELETE ends the session, CORS and the
 * preflight are there, and the refusals (415, 404, 400, 403, 503, 405) say why. Streams are made
 * live by claiming them in the StreamHub, so no encoder runs.
 */
class WhepEndToEndTest {

    private static final String SECRET = "whep-end-to-end-playback-secret-0123456789";
    private static final int MAX_SESSIONS = 3;

    @TempDir
    static Path dir;

    private static GlassCastServer server;
    private static StreamPublisher mainLive;
    private static StreamPublisher signedLive;
    private static String origin;
    private static String offer;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, "whep-main-key");
        GlassCastConfig config = base
                .withServer(base.server().withPlaybackSecret(SECRET))
                .withIngest(base.ingest().withStreams(List.of(new StreamConfig("main", "whep-main-key"),
                        new StreamConfig("signed", "whep-signed-key", StreamConfig.SIGNED),
                        new StreamConfig("idle", "whep-idle-key"))))
                .withWebRtc(WebRtcConfig.OFF.withEnabled(true).withBind("127.0.0.1").withUdpPort(0)
                        .withPublicAddress("127.0.0.1").withMaxSessions(MAX_SESSIONS));
        server = new GlassCastServer(config);
        server.start();
        origin = "http://127.0.0.1:" + server.httpPort();
        mainLive = server.hub().publish(StreamPath.source("main"));
        signedLive = server.hub().publish(StreamPath.source("signed"));
        try (InputStream in = WhepEndToEndTest.class.getResourceAsStream("chromium-whep-offer.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() {
        if (mainLive != null) {
            mainLive.close();
            signedLive.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void chromiumsOfferIsAnsweredAndDeleteEndsTheSession() throws Exception {
        HttpResponse<String> created = post("/live/main/whep", "application/sdp", offer);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("application/sdp", created.headers().firstValue("Content-Type").orElseThrow());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/live/main/whep/[A-Za-z0-9_-]{22}"), location);
        assertTrue(created.headers().firstValue("ETag").isPresent());
        assertEquals("*", created.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("Location, ETag, Link", created.headers().firstValue("Access-Control-Expose-Headers").orElseThrow());

        SdpSessionDescription answer = new SdpParser().parse(created.body());
        assertTrue(answer.iceLite(), "a=ice-lite");
        WebRtcSession session = server.webrtc().sessions().byId(location.substring(location.lastIndexOf('/') + 1)).orElseThrow();
        assertEquals(WebRtcSession.State.CHECKING, session.state());
        int udpPort = server.webrtc().port();
        assertTrue(udpPort > 0);
        for (SdpMediaDescription media : answer.media()) {
            assertEquals(session.localUfrag(), answer.effectiveIceUfrag(media));
            assertEquals(SdpSetup.PASSIVE, answer.effectiveSetup(media));
        }
        List<SdpCandidate> candidates = answer.media().getFirst().candidates();
        assertTrue(candidates.stream().anyMatch(c -> c.type().equals("host") && c.port() == udpPort
                && c.address().equals("127.0.0.1") && c.transport().equalsIgnoreCase("udp")), candidates.toString());

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(origin + location)).DELETE());
        assertEquals(200, deleted.statusCode());
        assertEquals("*", deleted.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals(WebRtcSession.State.CLOSED, session.state());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(origin + location)).DELETE()).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whep/nosuchsession")).DELETE()).statusCode());
        assertEquals(0, server.webrtc().sessions().size());
    }

    @Test
    void theStartUpBannerSaysTheUdpPort() {
        String banner = dev.glasscast.server.GlassCastMain.banner(server);
        assertTrue(banner.contains("/live/<stream>/whep   UDP 127.0.0.1:" + server.webrtc().port()), banner);
    }

    @Test
    void thePreflightAllowsAPageOnAnotherOrigin() throws Exception {
        for (String path : List.of("/live/main/whep", "/live/main/whep/anysession")) {
            HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(origin + path))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://player.example.org")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type"));
            assertEquals(204, preflight.statusCode(), path);
            assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("POST, DELETE, OPTIONS, PATCH", preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
            assertEquals("Content-Type, Authorization, If-Match",
                    preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
            assertEquals("Location, ETag, Link", preflight.headers().firstValue("Access-Control-Expose-Headers").orElseThrow());
        }
    }

    @Test
    void refusalsSayWhy() throws Exception {
        HttpResponse<String> wrongType = post("/live/main/whep", "application/json", "{}");
        assertEquals(415, wrongType.statusCode());
        assertEquals(404, post("/live/idle/whep", "application/sdp", offer).statusCode());
        assertEquals(404, post("/live/nosuchstream/whep", "application/sdp", offer).statusCode());
        HttpResponse<String> notSdp = post("/live/main/whep", "application/sdp", "hello");
        assertEquals(400, notSdp.statusCode());
        assertTrue(notSdp.body().startsWith("the offer is not valid SDP"), notSdp.body());
        // Valid SDP that cannot be negotiated: the offer's only section is a data channel.
        String noMedia = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=setup:actpass\r\na=mid:0\r\n";
        HttpResponse<String> unanswerable = post("/live/main/whep", "application/sdp", noMedia);
        assertEquals(400, unanswerable.statusCode(), unanswerable.body());
        assertTrue(unanswerable.body().length() > 1, "a reason");
        assertEquals("*", unanswerable.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> patch = send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whep/anysession"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("a=end-of-candidates\r\n"))
                .header("Content-Type", "application/trickle-ice-sdpfrag"));
        assertEquals(405, patch.statusCode());
        assertEquals(0, server.webrtc().sessions().size());
    }

    /** WHIP's refusals, before any media: the key is the Bearer token, as OBS and FFmpeg send it. */
    @Test
    void whipRefusalsSayWhy() throws Exception {
        HttpResponse<String> noKey = post("/live/main/whip", "application/sdp", offer);
        assertEquals(401, noKey.statusCode(), noKey.body());
        assertEquals("Bearer", noKey.headers().firstValue("WWW-Authenticate").orElseThrow());
        HttpResponse<String> wrongKey = send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whip"))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer whep-signed-key")
                .POST(HttpRequest.BodyPublishers.ofString(offer)));
        assertEquals(401, wrongKey.statusCode(), "another stream's key: " + wrongKey.body());
        HttpResponse<String> notSdp = send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whip"))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer whep-main-key")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertEquals(400, notSdp.statusCode(), notSdp.body());
        assertEquals(415, post("/live/main/whip", "text/plain", "hello").statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whip/nosuchsession")).DELETE()).statusCode());
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whip"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals(0, server.webrtc().sessions().size());
    }

    @Test
    void aSignedStreamTakesTheTokenAsItsHlsUrlsDo() throws Exception {
        assertEquals(403, post("/live/signed/whep", "application/sdp", offer).statusCode());
        String token = server.playbackTokens().mint("signed", Duration.ofMinutes(5)).value();
        HttpResponse<String> created = post("/live/signed/t/" + token + "/whep", "application/sdp", offer);
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/live/signed/whep/"), location);
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(origin + location)).DELETE()).statusCode());
    }

    @Test
    void offersBeyondMaxSessionsAre503() throws Exception {
        List<String> locations = new java.util.ArrayList<>();
        for (int i = 0; i < MAX_SESSIONS; i++) {
            HttpResponse<String> created = post("/live/main/whep", "application/sdp", offer);
            assertEquals(201, created.statusCode(), created.body());
            locations.add(created.headers().firstValue("Location").orElseThrow());
        }
        assertEquals(MAX_SESSIONS, locations.stream().distinct().count());
        HttpResponse<String> full = post("/live/main/whep", "application/sdp", offer);
        assertEquals(503, full.statusCode());
        assertNotEquals("", full.headers().firstValue("Retry-After").orElse(""));
        for (String location : locations) {
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(origin + location)).DELETE()).statusCode());
        }
        assertEquals(201, post("/live/main/whep", "application/sdp", offer).statusCode());
        server.webrtc().sessions().close();
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(origin + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
