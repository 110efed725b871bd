package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.WebRtcConfig;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.api.OperatorApiEndToEndTest;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.browser.Players;
import dev.glasscast.server.e2e.FfmpegCli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHEP playback as a viewer gets it: Chromium's own RTCPeerConnection, in headless Chromium,
 * offers to {@code /live/main/whep} of a daemon that ffmpeg publishes to (OBS-like, over RTMP),
 * does ICE against the ICE-lite port, the DTLS handshake against the daemon's certificate, and
 * decodes the 240p rung the default {@code ladder: auto} made, sent as SRTP, with the stream's
 * AAC transcoded to Opus. The probe watches the picture as it watches every player (rate, stalls,
 * decoded frames); WebRTC's own statistics say what arrived: the video's size, frames decoded,
 * loss and jitter-buffer delay, and the sound's samples, concealment and level (a media element
 * playing a MediaStream does not count decoded audio bytes, so the probe cannot). Then the page
 * DELETEs its session, and the Opus transcoding stops with the last viewer.
 */
class WhepPlaybackBrowserTest {

    @TempDir
    java.nio.file.Path dir;

    /** A WHEP client as a player page writes one: one offer with both kinds, no trickle (the server is ICE-lite). */
    static String whepClient(String url) {
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
                    const r = await fetch('%s', { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
                                                  body: pc.localDescription.sdp });
                    if (r.status !== 201) { console.error('WHEP answered ' + r.status + ': ' + await r.text()); return; }
                    window.whepSession = new URL(r.headers.get('Location'), '%s').href;
                    await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
                  })().catch(e => console.error('WHEP failed: ' + e));
                  return true;
                })()""".formatted(url, url);
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
    void chromiumPlaysTheLadderOverWhepAndDeleteEndsTheSession() throws Exception {
        GlassCastConfig twoRungs = OperatorApiEndToEndTest.twoRungConfig(dir, "");
        GlassCastConfig config = twoRungs.withLadder(new ConfigLoader().defaults().ladder())
                .withWebRtc(WebRtcConfig.OFF.withEnabled(true).withBind("127.0.0.1").withUdpPort(0)
                        .withPublicAddress("127.0.0.1"));
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 25, 120));
            args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + OperatorApiEndToEndTest.KEY));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                awaitRung(server, "240p");
                BrowserDriver.Result visit = BrowserDriver.visit()
                        .goTo(base + "/healthz")
                        .content(Players.PAGE)
                        .eval("started", whepClient(base + "/live/main/whep"))
                        .awaitPlayback(Duration.ofSeconds(30))
                        .watchFor(Duration.ofSeconds(15))
                        .probeReport("webrtc")
                        .eval("stats", STATS)
                        .eval("soundRms", "window.soundRms")
                        .eval("deleted", "fetch(window.whepSession, { method: 'DELETE' }).then(r => r.status)")
                        .run(dir, Duration.ofSeconds(90));
                assertTrue(visit.ok(), visit.diagnostics());
                PlaybackReport played = visit.playback("webrtc");
                JsonNode stats = visit.value("stats");
                System.out.println("[whep] " + played.summary() + "\n[whep] WebRTC stats: " + stats);
                played.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(12)).withoutAudio());
                JsonNode video = stats.path("video");
                TrackInfo rung = server.hub().find(StreamPath.rendition("main", "240p")).orElseThrow().tracks().stream()
                        .filter(TrackInfo::isVideo).findFirst().orElseThrow();
                assertEquals(rung.width(), video.path("frameWidth").asInt(), "the 240p rung: " + stats);
                assertEquals(240, video.path("frameHeight").asInt(), "the 240p rung: " + stats);
                assertTrue(video.path("framesDecoded").asLong() >= 15 * 25 * 8 / 10, "25 fps decoded: " + stats);
                assertTrue(jitterBufferSeconds(video) < 0.5, "frames wait in the jitter buffer: " + stats);
                JsonNode audio = stats.path("audio");
                long samples = audio.path("totalSamplesReceived").asLong();
                assertTrue(samples >= 15L * 48_000 * 8 / 10, "15 s of 48 kHz sound: " + stats);
                assertTrue(audio.path("concealedSamples").asLong() < samples / 10, "little of it concealed: " + stats);
                // ffmpeg's 440 Hz sine at full scale/8 has an RMS of 0.088; silence would be 0.
                double rms = visit.value("soundRms").asDouble();
                assertTrue(rms > 0.03, "the sound is the publisher's tone, not silence: RMS " + rms);
                assertTrue(jitterBufferSeconds(audio) < 0.5, "sound waits in the jitter buffer: " + stats);
                assertEquals(200, visit.value("deleted").asInt());
                assertEquals(0, server.webrtc().sessions().size(), "DELETE ended the session");
                assertEquals(0, server.webrtc().opusFeeds().running(), "no viewer left, no Opus transcoding");
            }
        }
    }

    private static double jitterBufferSeconds(JsonNode inbound) {
        return inbound.path("jitterBufferDelay").asDouble() / Math.max(1, inbound.path("jitterBufferEmittedCount").asLong());
    }

    private static void awaitRung(GlassCastServer server, String rung) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!server.hub().isLive(StreamPath.rendition("main", rung))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rendition main/" + rung + " never went live");
            }
            Thread.sleep(100);
        }
    }
}
