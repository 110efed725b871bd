package dev.glasscast.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.GlassCastServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: Debian's ffmpeg publishes over RTMP as OBS does, the daemon
 * packages HLS, and ffprobe decodes what a player would download.
 */
class RtmpToHlsEndToEndTest {

    private static final String KEY = "e2e-secret-key";
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int FPS = 30;
    private static final int SECONDS = 10;

    @TempDir
    Path dir;

    private GlassCastServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startDaemon() throws Exception {
        server = new GlassCastServer(testConfig(dir));
        server.start();
    }

    @AfterEach
    void stopDaemon() {
        server.close();
    }

    static GlassCastConfig testConfig(Path dir) {
        GlassCastConfig defaults = new ConfigLoader().defaults();
        return defaults
                .withDataDir(dir.resolve("data"))
                .withServer(defaults.server().withHttpPort(0))
                .withIngest(defaults.ingest()
                        .withRtmp(defaults.ingest().rtmp().withPort(0))
                        .withSrt(defaults.ingest().srt().withPort(0))
                        .withStreams(List.of(new StreamConfig("main", KEY))))
                .withTestSource(defaults.testSource().withEnabled(false))
                // These tests watch a publish end; with the slate the renditions would outlive it.
                .withSlate(new SlateConfig(false, "#000000", null, "", Duration.ofSeconds(1)));
    }

    @Test
    void obsLikeRtmpPublishPlaysBackAsHls() throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, SECONDS));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        FfmpegCli.Result publish;
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
            publish = publisher.await(90, TimeUnit.SECONDS);
        }
        assertEquals(0, publish.exitCode(), "ffmpeg publish failed:\n" + publish.stderr());

        String base = "http://127.0.0.1:" + server.httpPort() + "/live/main/";
        String video = awaitEndedPlaylist(base + "source/index.m3u8");
        String audio = awaitEndedPlaylist(base + "audio/index.m3u8");

        HttpResponse<String> multivariant = get(base + "index.m3u8");
        assertEquals(200, multivariant.statusCode());
        assertEquals("application/vnd.apple.mpegurl", multivariant.headers().firstValue("content-type").orElse(""));
        String master = multivariant.body();
        assertTrue(master.contains("RESOLUTION=" + WIDTH + "x" + HEIGHT), master);
        assertTrue(master.matches("(?s).*CODECS=\"avc1\\.64[0-9a-f]{4},mp4a\\.40\\.2\".*"), master);
        assertTrue(master.matches("(?s).*BANDWIDTH=\\d+.*"), master);
        assertTrue(master.contains("source/index.m3u8") && master.contains("audio/index.m3u8"), master);

        Path videoFile = download(base + "source/", video, "video.mp4");
        Path audioFile = download(base + "audio/", audio, "audio.mp4");

        MediaProbe v = MediaProbe.of(dir, videoFile);
        assertEquals("h264", v.codec());
        assertEquals(WIDTH, v.width());
        assertEquals(HEIGHT, v.height());
        assertEquals("", v.decodeErrors(), "video decode errors");
        assertTrue(v.frameTimes().size() >= SECONDS * FPS - 2, "video frames: " + v.frameTimes().size());
        assertTrue(v.largestGap() <= 1.0 / FPS + 0.002, "largest video gap " + v.largestGap());

        MediaProbe a = MediaProbe.of(dir, audioFile);
        assertEquals("aac", a.codec());
        assertEquals(48000, a.sampleRate());
        assertEquals("", a.decodeErrors(), "audio decode errors");
        assertTrue(a.duration() >= SECONDS - 0.5, "audio duration " + a.duration());
        assertTrue(a.largestGap() <= 1024.0 / 48000 + 0.002, "largest audio gap " + a.largestGap());
    }

    @Test
    void wrongKeyIsRejectedAndNothingIsPublished() throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, 3));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/not-the-key"));
        FfmpegCli.Result publish;
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
            publish = publisher.await(60, TimeUnit.SECONDS);
        }
        assertNotEquals(0, publish.exitCode(), "ffmpeg should have been refused:\n" + publish.stderr());
        assertEquals(404, get("http://127.0.0.1:" + server.httpPort() + "/live/main/index.m3u8").statusCode());
        assertEquals(404, get("http://127.0.0.1:" + server.httpPort() + "/live/main/source/index.m3u8").statusCode());
    }

    /** Polls a media playlist until it has EXT-X-ENDLIST (the packager flushed the last segment). */
    private String awaitEndedPlaylist(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200) {
                last = response.body();
                if (last.contains("#EXT-X-ENDLIST")) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ENDLIST in " + url + " after unpublish:\n" + last);
    }

    /** Downloads the playlist's init segment and every listed segment into one file. */
    private Path download(String base, String playlist, String name) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher map = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(playlist);
        assertTrue(map.find(), "no EXT-X-MAP in\n" + playlist);
        bytes.writeBytes(getBytes(base + map.group(1)));
        int segments = 0;
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                bytes.writeBytes(getBytes(base + line.trim()));
                segments++;
            }
        }
        assertTrue(segments >= SECONDS / 2 - 1, "segments listed: " + segments + "\n" + playlist);
        Path file = dir.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] getBytes(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        assertTrue(response.headers().firstValue("cache-control").orElse("").contains("max-age"), url);
        return response.body();
    }
}
