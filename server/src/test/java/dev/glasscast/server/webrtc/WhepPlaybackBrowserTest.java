package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.TestSourceConfig;
import dev.glasscast.config.WebRtcConfig;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.api.OperatorApiEndToEndTest;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.browser.Players;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHEP playback as a viewer gets it: Chromium's own RTCPeerConnection, in headless Chromium, on a
 * page of another origin, offers to {@code /live/main/whep} of a daemon fed by its test pattern or
 * by ffmpeg publishing OBS-like over SRT, does ICE against the ICE-lite port, the DTLS handshake
 * against the daemon's certificate, and decodes the 240p rung the default {@code ladder: auto}
 * made, sent as SRTP, with the stream's AAC transcoded to Opus. The probe watches the picture as it watches every player (rate, stalls,
 * decoded frames); WebRTC's own statistics say what arrived: the video's size, frames decoded,
 * loss and jitter-buffer delay, and the sound's samples, concealment and level (a media element
 * playing a MediaStream does not count decoded audio bytes, so the probe cannot). Then the page
 * DELETEs its session, and the Opus transcoding stops with the last viewer.
 */
class WhepPlaybackBrowserTest {

    /** How long each viewer watches: the "at least 20 s with no freeze". */
    static final int WATCH_SECONDS = 20;

    @TempDir
    java.nio.file.Path dir;

    /** A WHEP client as a player page writes one: one offer with both kinds, no trickle (the server is ICE-lite). */
    static String whepClient(String url) {
        return whepClient(url, false, 0, 0);
    }

    /**
     * @param forgeFingerprint send the offer with another certificate's fingerprint, as an attacker
     *                         who rewrote the signalling would: the DTLS handshake must then fail
     * @param candidatePort    the daemon's UDP port as the answer announces it, to be replaced by
     * @param viaPort          a relay's port (0: no relay)
     */
    static String whepClient(String url, boolean forgeFingerprint, int candidatePort, int viaPort) {
        return """
                (() => {
                  const v = document.getElementById('v');
                  const pc = new RTCPeerConnection();
                  window.pc = pc;
                  pc.addTransceiver('video', { direction: 'recvonly' });
                  pc.addTransceiver('audio', { direction: 'recvonly' });
                  const media = new MediaStream();
                  v.srcObject = media;
                  pc.ontrack = e => {
                    media.addTrack(e.track);
                    v.play().catch(() => {});
                    if (e.track.kind === 'audio') listen(e.track);
                  };
                  // The sound's level as Web Audio hears it (Chromium's own audioLevel statistic
                  // reads 0 under --mute-audio): the loudest RMS of 100 ms windows.
                  window.soundRms = 0;
                  function listen(track) {
                    const context = new AudioContext();
                    const analyser = context.createAnalyser();
                    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
                    const samples = new Float32Array(analyser.fftSize);
                    setInterval(() => {
                      analyser.getFloatTimeDomainData(samples);
                      let sum = 0;
                      for (const x of samples) sum += x * x;
                      window.soundRms = Math.max(window.soundRms, Math.sqrt(sum / samples.length));
                    }, 100);
                  }
                  glasscastProbe.watch(v, () => null);
                  (async () => {
                    await pc.setLocalDescription(await pc.createOffer());
                    let offer = pc.localDescription.sdp;
                    if (%s) offer = offer.replace(/a=fingerprint:sha-256 [0-9A-F:]+/g,
                                                  'a=fingerprint:sha-256 ' + Array(32).fill('AB').join(':'));
                    const r = await fetch('%s', { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
                                                  body: offer });
                    if (r.status !== 201) { console.error('WHEP answered ' + r.status + ': ' + await r.text()); return; }
                    window.whepSession = new URL(r.headers.get('Location'), '%s').href;
                    let answer = await r.text();
                    if (%d > 0) answer = answer.replaceAll(' %d typ host', ' %d typ host');
                    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
                  })().catch(e => console.error('WHEP failed: ' + e));
                  return true;
                })()""".formatted(forgeFingerprint, url, url, viaPort, candidatePort, viaPort);
    }

    /** What WebRTC's statistics say of the video and the sound that arrived. */
    static final String STATS = """
            (async () => {
              const out = { connection: window.pc.connectionState };
              for (const s of (await window.pc.getStats()).values()) {
                if (s.type === 'inbound-rtp' && s.kind === 'video') {
                  out.video = { framesDecoded: s.framesDecoded, frameWidth: s.frameWidth, frameHeight: s.frameHeight,
                                packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, nackCount: s.nackCount,
                                pliCount: s.pliCount, keyFramesDecoded: s.keyFramesDecoded,
                                freezeCount: s.freezeCount, totalFreezesDuration: s.totalFreezesDuration,
                                jitterBufferDelay: s.jitterBufferDelay, jitterBufferEmittedCount: s.jitterBufferEmittedCount };
                }
                if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                  out.audio = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost,
                                totalSamplesReceived: s.totalSamplesReceived, concealedSamples: s.concealedSamples,
                                audioLevel: s.audioLevel, totalAudioEnergy: s.totalAudioEnergy,
                                jitterBufferDelay: s.jitterBufferDelay, jitterBufferEmittedCount: s.jitterBufferEmittedCount };
                }
              }
              return out;
            })()""";

    @Test
    void theTestPatternPlaysOnAPageFromAnotherOrigin() throws Exception {
        GlassCastConfig config = webRtcConfig()
                .withTestSource(new TestSourceConfig(true, "main", 640, 360, 30, 600_000));
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            watchOverWhep(server, "the test pattern", 30);
        }
    }

    @Test
    void anSrtPublisherPlays() throws Exception {
        try (GlassCastServer server = new GlassCastServer(webRtcConfig())) {
            server.start();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 25, 120));
            args.addAll(List.of("-f", "mpegts",
                    "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + OperatorApiEndToEndTest.KEY + "&latency=200000"));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                watchOverWhep(server, "an SRT publisher", 25);
            }
        }
    }

    /**
     * 5 % of the media the daemon sends is lost on the way (a relay between the browser and the
     * UDP port drops it): the browser NACKs what it misses, the daemon resends it from its
     * history, and the picture plays on without a freeze. Then the viewer vanishes without a
     * DELETE, and the daemon reaps its session once its consent has run out.
     */
    @Test
    void fivePercentLossIsRepairedByNack() throws Exception {
        GlassCastConfig config = webRtcConfig()
                .withTestSource(new TestSourceConfig(true, "main", 640, 360, 30, 600_000));
        try (GlassCastServer server = new GlassCastServer(config);
             ImpairedUdpRelay relay = startRelay(server, 0.05)) {
            awaitLive(server, StreamPath.rendition("main", "240p"));
            BrowserDriver.Result visit = BrowserDriver.visit()
                    .goTo("http://localhost:" + server.httpPort() + "/healthz")
                    .content(Players.PAGE)
                    .eval("started", whepClient("http://127.0.0.1:" + server.httpPort() + "/live/main/whep", false,
                            server.webrtc().port(), relay.port()))
                    .awaitPlayback(Duration.ofSeconds(30))
                    .watchFor(Duration.ofSeconds(WATCH_SECONDS))
                    .probeReport("lossy")
                    .eval("stats", STATS)
                    .run(dir, Duration.ofSeconds(90));
            assertTrue(visit.ok(), visit.diagnostics());
            PlaybackReport played = visit.playback("lossy");
            JsonNode stats = visit.value("stats");
            WebRtcVideoSender.Stats sent = server.webrtc().sessions().all().stream()
                    .map(session -> ((WebRtcPeerTransport) session.transport()).videoStats().orElseThrow())
                    .findFirst().orElseThrow();
            System.out.println("[whep] 5 % loss: " + played.summary() + "\n[whep] 5 % loss, WebRTC stats: " + stats
                    + "\n[whep] 5 % loss: relay dropped " + relay.dropped() + " of " + (relay.dropped() + relay.relayedMedia())
                    + " SRTP packets; the daemon sent " + sent);
            assertTrue(relay.dropped() > 0.03 * (relay.dropped() + relay.relayedMedia()), "the relay lost about 5 %");
            played.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(WATCH_SECONDS - 2)).withoutAudio());
            JsonNode video = stats.path("video");
            assertTrue(video.path("nackCount").asLong() > 0, "the browser asked again: " + stats);
            assertTrue(sent.retransmitted() > 0, "and the daemon resent: " + sent);
            assertTrue(video.path("framesDecoded").asLong() >= WATCH_SECONDS * 30 * 8 / 10, "30 fps decoded: " + stats);

            // The browser is gone without a DELETE (its process ended with the visit): the
            // session's consent runs out (RFC 7675: 30 s after its last check) and the daemon
            // reaps it, and with it the stream's Opus transcoding.
            long reapedBy = System.nanoTime() + WebRtcSessions.CONSENT_TIMEOUT.plusSeconds(15).toNanos();
            while (server.webrtc().sessions().size() > 0) {
                assertTrue(System.nanoTime() < reapedBy, "the vanished viewer's session was never reaped");
                Thread.sleep(250);
            }
            String metrics = metrics(server);
            assertTrue(metrics.contains("glasscast_webrtc_sessions_expired_total 1.0"), metrics);
            assertTrue(metrics.contains("glasscast_webrtc_sessions 0.0"), metrics);
            assertEquals(0, server.webrtc().opusFeeds().running(), "no viewer left, no Opus transcoding");
        }
    }

    /**
     * The viewer's link narrows to half of what the 360p rung sends: the daemon reads it from the
     * browser's own reports (its bandwidth estimate, REMB, and its losses) and moves the viewer to
     * the 180p rung at a key frame, where the picture plays on without a freeze; once the link is
     * wide again, the daemon tries 360p and the viewer stays there.
     */
    @Test
    void aNarrowLinkMovesTheViewerDownARungAndAWideOneBackUp() throws Exception {
        GlassCastConfig config = webRtcConfig()
                .withLadder(List.of(TestDaemon.PASSTHROUGH,
                        new RungConfig("360p", "h264", 0, 360, 1_200_000, 0, 0, 30, "ultrafast", "baseline", null, 96_000),
                        new RungConfig("180p", "h264", 0, 180, 200_000, 0, 0, 30, "ultrafast", "baseline", null, 96_000)))
                .withTestSource(new TestSourceConfig(true, "main", 640, 360, 30, 600_000));
        try (GlassCastServer server = new GlassCastServer(config);
             ImpairedUdpRelay relay = startRelay(server, 0)) {
            awaitLive(server, StreamPath.rendition("main", "180p"));
            awaitLive(server, StreamPath.rendition("main", "360p"));
            String v = "document.getElementById('v')";
            try (BrowserDriver.Running watching = BrowserDriver.visit()
                    .goTo("http://localhost:" + server.httpPort() + "/healthz")
                    .content(Players.PAGE)
                    .eval("started", whepClient("http://127.0.0.1:" + server.httpPort() + "/live/main/whep", false,
                            server.webrtc().port(), relay.port()))
                    .awaitPlayback(Duration.ofSeconds(30))
                    .watchFor(Duration.ofSeconds(5))
                    .probeReport("wide")
                    .eval("wideHeight", v + ".videoHeight")
                    .waitFor(v + ".videoHeight === 180", Duration.ofSeconds(40))
                    .probeReport("narrowing")
                    // Chromium's jitter buffer, grown while the link dropped and delayed 360p,
                    // plays its backlog out faster for a moment (frames replaced before they are
                    // shown); then the 180p rung plays as any other.
                    .watchFor(Duration.ofSeconds(2))
                    .probeReport("settling")
                    .watchFor(Duration.ofSeconds(4))
                    .probeReport("narrow")
                    .eval("narrowHeight", v + ".videoHeight")
                    .waitFor(v + ".videoHeight === 360", Duration.ofSeconds(60))
                    .probeReport("widening")
                    .watchFor(Duration.ofSeconds(5))
                    .probeReport("wideAgain")
                    .eval("stats", STATS)
                    .start(dir)) {
                watching.awaitStep("wideHeight", Duration.ofSeconds(60));
                long before = relay.relayedMediaBytes();
                Thread.sleep(3_000);
                long sentBitsPerSecond = (relay.relayedMediaBytes() - before) * 8 / 3;
                relay.limitTo(sentBitsPerSecond / 2);
                watching.awaitStep("narrowHeight", Duration.ofSeconds(60));
                relay.limitTo(0);
                BrowserDriver.Result visit = watching.finish(Duration.ofSeconds(90));
                assertTrue(visit.ok(), visit.diagnostics());
                WebRtcPeerTransport transport = server.webrtc().sessions().all().stream()
                        .map(session -> (WebRtcPeerTransport) session.transport()).findFirst().orElseThrow();
                System.out.println("[whep] adaptation: 360p sent " + sentBitsPerSecond / 1000 + " kbit/s, the link narrowed to "
                        + sentBitsPerSecond / 2000 + " kbit/s; " + transport.rungSwitches() + " rung switches; "
                        + relay.dropped() + " packets dropped by the narrow link\n[whep] settling at 180p: "
                        + visit.playback("settling").summary() + "\n[whep] narrow: "
                        + visit.playback("narrow").summary() + "\n[whep] wide again: " + visit.playback("wideAgain").summary()
                        + "\n[whep] " + visit.value("stats"));
                assertEquals(360, visit.value("wideHeight").asInt());
                assertEquals(180, visit.value("narrowHeight").asInt());
                PlaybackBounds clean = PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(3)).withoutAudio();
                visit.playback("wide").assertWithin(clean);
                visit.playback("narrow").assertWithin(clean);
                visit.playback("wideAgain").assertWithin(clean);
                assertEquals("360p", transport.rendition().orElseThrow());
                assertTrue(transport.rungSwitches() >= 2, "down, then up: " + transport.rungSwitches());
            }
        }
    }

    private static ImpairedUdpRelay startRelay(GlassCastServer server, double lossFraction) throws Exception {
        server.start();
        return new ImpairedUdpRelay(new InetSocketAddress("127.0.0.1", server.webrtc().port()), lossFraction);
    }

    /**
     * An offer whose fingerprint is not the browser's certificate's (signalling rewritten on the
     * way): the daemon refuses the DTLS handshake, so no media flows and the browser's connection
     * fails.
     */
    @Test
    void aForgedFingerprintFailsTheHandshake() throws Exception {
        GlassCastConfig config = webRtcConfig()
                .withTestSource(new TestSourceConfig(true, "main", 320, 180, 15, 300_000));
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            awaitLive(server, StreamPath.source("main"));
            BrowserDriver.Result visit = BrowserDriver.visit()
                    .goTo("http://localhost:" + server.httpPort() + "/healthz")
                    .content(Players.PAGE)
                    .eval("started", whepClient("http://127.0.0.1:" + server.httpPort() + "/live/main/whep", true, 0, 0))
                    .waitFor("window.pc && window.pc.connectionState === 'failed'", Duration.ofSeconds(30))
                    .eval("stats", STATS)
                    .run(dir, Duration.ofSeconds(60));
            assertTrue(visit.ok(), visit.diagnostics());
            JsonNode stats = visit.value("stats");
            assertEquals("failed", stats.path("connection").asText(), stats.toString());
            assertEquals(0, stats.path("video").path("framesDecoded").asLong(), "nothing decoded: " + stats);
            List<WebRtcPeerTransport.State> states = server.webrtc().sessions().all().stream()
                    .map(session -> ((WebRtcPeerTransport) session.transport()).state()).toList();
            assertEquals(List.of(WebRtcPeerTransport.State.FAILED), states, "the daemon refused the handshake");
        }
    }

    /** The daemon's default {@code ladder: auto} with WebRTC on, on loopback. */
    private GlassCastConfig webRtcConfig() throws Exception {
        GlassCastConfig twoRungs = OperatorApiEndToEndTest.twoRungConfig(dir, "");
        return twoRungs.withLadder(new ConfigLoader().defaults().ladder())
                .withWebRtc(WebRtcConfig.OFF.withEnabled(true).withBind("127.0.0.1").withUdpPort(0)
                        .withPublicAddress("127.0.0.1"));
    }

    /**
     * A page served from {@code http://localhost:port} (another origin than the
     * {@code http://127.0.0.1:port} WHEP resource, so the offer goes through the CORS preflight)
     * plays main's 240p rung for 20 s; then it DELETEs its session.
     */
    private void watchOverWhep(GlassCastServer server, String source, int fps) throws Exception {
        awaitLive(server, StreamPath.rendition("main", "240p"));
        BrowserDriver.Running watching = BrowserDriver.visit()
                .goTo("http://localhost:" + server.httpPort() + "/healthz")
                .content(Players.PAGE)
                .eval("started", whepClient("http://127.0.0.1:" + server.httpPort() + "/live/main/whep"))
                .awaitPlayback(Duration.ofSeconds(30))
                .watchFor(Duration.ofSeconds(WATCH_SECONDS))
                .probeReport("webrtc")
                .eval("stats", STATS)
                .eval("soundRms", "window.soundRms")
                .waitMillis(1_000)
                .eval("deleted", "fetch(window.whepSession, { method: 'DELETE' }).then(r => r.status)")
                .start(dir);
        watching.awaitStep("soundRms", Duration.ofSeconds(90));
        String metricsWhilePlaying = metrics(server);
        BrowserDriver.Result visit = watching.finish(Duration.ofSeconds(30));
        assertTrue(visit.ok(), visit.diagnostics());
        for (String meter : List.of("glasscast_webrtc_sessions 1.0", "glasscast_webrtc_sessions_sending 1.0",
                "glasscast_webrtc_opus_transcodes 1.0")) {
            assertTrue(metricsWhilePlaying.contains(meter), meter + " in\n" + metricsWhilePlaying);
        }
        PlaybackReport played = visit.playback("webrtc");
        JsonNode stats = visit.value("stats");
        System.out.println("[whep] " + source + ": " + played.summary() + "\n[whep] " + source + ", WebRTC stats: " + stats
                + ", sound RMS " + visit.value("soundRms"));
        played.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(WATCH_SECONDS - 2)).withoutAudio());
        JsonNode video = stats.path("video");
        TrackInfo rung = server.hub().find(StreamPath.rendition("main", "240p")).orElseThrow().tracks().stream()
                .filter(TrackInfo::isVideo).findFirst().orElseThrow();
        assertEquals(rung.width(), video.path("frameWidth").asInt(), "the 240p rung: " + stats);
        assertEquals(240, video.path("frameHeight").asInt(), "the 240p rung: " + stats);
        assertTrue(video.path("framesDecoded").asLong() >= WATCH_SECONDS * fps * 8 / 10, fps + " fps decoded: " + stats);
        assertTrue(jitterBufferSeconds(video) < 0.5, "frames wait in the jitter buffer: " + stats);
        JsonNode audio = stats.path("audio");
        long samples = audio.path("totalSamplesReceived").asLong();
        assertTrue(samples >= WATCH_SECONDS * 48_000L * 8 / 10, WATCH_SECONDS + " s of 48 kHz sound: " + stats);
        assertTrue(audio.path("concealedSamples").asLong() < samples / 10, "little of it concealed: " + stats);
        assertTrue(jitterBufferSeconds(audio) < 0.5, "sound waits in the jitter buffer: " + stats);
        // ffmpeg's 440 Hz sine has an RMS of 0.088, the test pattern's 440 Hz beep (100 ms a second)
        // 0.17 while it sounds; the loudest window of silence would be 0.
        double rms = visit.value("soundRms").asDouble();
        assertTrue(rms > 0.03, "the sound is the source's tone, not silence: RMS " + rms);
        assertEquals(200, visit.value("deleted").asInt());
        assertEquals(0, server.webrtc().sessions().size(), "DELETE ended the session");
        assertEquals(0, server.webrtc().opusFeeds().running(), "no viewer left, no Opus transcoding");
        assertTrue(metrics(server).contains("glasscast_webrtc_sessions 0.0"), "and /metrics says so");
    }

    private static String metrics(GlassCastServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                        .header("Authorization", "Bearer " + server.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static double jitterBufferSeconds(JsonNode inbound) {
        return inbound.path("jitterBufferDelay").asDouble() / Math.max(1, inbound.path("jitterBufferEmittedCount").asLong());
    }

    private static void awaitLive(GlassCastServer server, StreamPath path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!server.hub().isLive(path)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never went live");
            }
            Thread.sleep(100);
        }
    }
}
