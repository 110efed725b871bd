package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHIP ingest from a client no one here wrote: FFmpeg's own {@code whip} muxer (JavaCV's FFmpeg
 * 8 build; Debian's 5.1 has none) publishes H.264 and Opus to {@code /live/main/whip} with the
 * stream key as its Bearer token, over ICE, DTLS (FFmpeg as the client, {@code dtls_active}) and
 * SRTP. The stream goes live like any SRT or RTMP publisher's: the ladder encodes it, the Opus
 * becomes AAC, and hls.js plays it in Chromium with sound. A wrong key is refused 401.
 */
class WhipIngestBrowserTest {

    @TempDir
    Path dir;

    @Test
    void ffmpegsWhipMuxerPublishesAndHlsJsPlaysIt() throws Exception {
        GlassCastConfig twoRungs = OperatorApiEndToEndTest.twoRungConfig(dir, "");
        GlassCastConfig config = twoRungs.withLadder(new ConfigLoader().defaults().ladder())
                .withWebRtc(WebRtcConfig.OFF.withEnabled(true).withBind("127.0.0.1").withUdpPort(0)
                        .withPublicAddress("127.0.0.1"));
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            String whip = "http://127.0.0.1:" + server.httpPort() + "/live/main/whip";
            FfmpegCli.Result refused = FfmpegCli.run(dir, FfmpegCli.javacvFfmpeg(), publish(whip, "not-the-key", 3), 60);
            assertTrue(refused.exitCode() != 0 && refused.stderr().contains("401"), refused.stderr());
            assertEquals(0, server.webrtc().sessions().size());

            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, FfmpegCli.javacvFfmpeg(),
                    publish(whip, OperatorApiEndToEndTest.KEY, 120))) {
                awaitLive(server, StreamPath.rendition("main", "240p"), publisher);
                TrackInfo source = server.hub().find(StreamPath.source("main")).orElseThrow().tracks().stream()
                        .filter(TrackInfo::isVideo).findFirst().orElseThrow();
                assertEquals(640, source.width());
                assertEquals(360, source.height());
                String origin = "http://127.0.0.1:" + server.httpPort();
                BrowserDriver.Result watched = Players.watch(origin, Players.HLS_JS,
                        Players.hlsJs(origin + "/live/main/index.m3u8"), Duration.ofSeconds(15)).run(dir, Duration.ofSeconds(120));
                assertTrue(watched.ok(), watched.diagnostics());
                PlaybackReport played = watched.playback(Players.PLAYBACK);
                System.out.println("[whip] hls.js of the WHIP publisher: " + played.summary());
                // hls.js's jump to the live edge at its start, as every hls.js test allows.
                played.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(13))
                        .allowingPlayerErrors("bufferSeekOverHole"));
                assertTrue(publisher.isAlive(), publisher.stderr());
            }
        }
    }

    /** FFmpeg publishing as a WHIP client would: baseline H.264 without B-frames, Opus 48 kHz stereo. */
    private static List<String> publish(String url, String key, int seconds) {
        return List.of(
                "-re",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds),
                "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-preset", "veryfast",
                "-tune", "zerolatency", "-g", "50", "-bf", "0", "-b:v", "1000k",
                "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "96k",
                "-f", "whip", "-whip_flags", "dtls_active", "-authorization", key, url);
    }

    private static void awaitLive(GlassCastServer server, StreamPath path, FfmpegCli.Running publisher) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!server.hub().isLive(path)) {
            if (System.nanoTime() > deadline || !publisher.isAlive()) {
                throw new AssertionError(path + " never went live; ffmpeg said:\n" + publisher.stderr());
            }
            Thread.sleep(100);
        }
    }
}
