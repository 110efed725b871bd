package dev.glasscast.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.server.GlassCastMain;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.qr.QrDecoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side over real HTTP while ffmpeg publishes: the token gate on every route,
 * stream reports with measured rates, thumbnail, QR code, redacted config, Prometheus metrics,
 * the dashboard cookie, the home redirect and kicking the publisher.
 */
public class OperatorApiEndToEndTest {

    public static final String KEY = "operator-test-key";
    public static final String TOKEN = "operator-test-admin-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** A daemon on free ports with a copy rung and a 240p rung, the test source off. */
    public static GlassCastConfig twoRungConfig(Path dir, String extraServerYaml) throws Exception {
        return new ConfigLoader().loadText("""
                data_dir: %s
                server: {http_port: 0, admin_token: %s%s}
                ingest:
                  rtmp: {port: 0}
                  srt: {port: 0}
                  streams: [{name: main, key: %s}]
                ladder:
                  - {name: source, codec: copy}
                  - {name: 240p, height: 240, video_bitrate: 300k, preset: ultrafast}
                test_source: {enabled: false}
                webrtc: {bind: 127.0.0.1, udp_port: 0}
                """.formatted(dir.resolve("data"), TOKEN, extraServerYaml, KEY), Map.of());
    }

    @Test
    void everyOperatorRouteNeedsTheTokenAndReportsALiveStream() throws Exception {
        try (GlassCastServer server = new GlassCastServer(twoRungConfig(dir, ""))) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            for (String path : List.of("/api/v1/streams", "/api/v1/streams/main", "/api/v1/config", "/metrics",
                    "/dashboard", "/api/v1/streams/main/qr.png", "/api/v1/streams/main/thumbnail.jpg")) {
                assertEquals(401, get(base + path, null).statusCode(), path);
                assertEquals(401, get(base + path, "not-the-token").statusCode(), path);
            }
            assertEquals(401, post(base + "/api/v1/streams/main/kick", null).statusCode());
            assertEquals(401, get(base + "/dashboard?token=wrong", null).statusCode());
            assertEquals("/dashboard", get(base + "/", null).headers().firstValue("location").orElse(""));

            JsonNode offline = json.readTree(get(base + "/api/v1/streams/main", TOKEN).body());
            assertFalse(offline.path("live").asBoolean());
            assertEquals(409, post(base + "/api/v1/streams/main/kick", TOKEN).statusCode());
            assertEquals(404, get(base + "/api/v1/streams/nope", TOKEN).statusCode());

            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 25, 40));
            args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                JsonNode live = await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> s.path("rungs").size() == 2 && s.path("rungs").findValues("fps").stream().allMatch(JsonNode::isNumber)
                                && s.path("source").path("bitrate").isNumber(), "a live report with measured rates");
                assertEquals("H264", live.path("source").path("videoCodec").asText());
                assertEquals(640, live.path("source").path("width").asInt());
                assertEquals("AAC", live.path("source").path("audioCodec").asText());
                assertTrue(live.path("source").path("bitrate").asDouble() > 100_000, live.toString());
                assertEquals("240p", live.path("rungs").path(1).path("name").asText(), live.toString());
                assertEquals(240, live.path("rungs").path(1).path("height").asInt());
                assertEquals(KEY, live.path("obs").path("streamKey").asText());
                assertTrue(live.path("obs").path("rtmpServer").asText().endsWith(":" + server.rtmpPort() + "/live"));
                assertTrue(live.path("obs").path("srtUrl").asText().contains("streamid=" + KEY));

                JsonNode all = json.readTree(get(base + "/api/v1/streams", TOKEN).body());
                assertEquals("main", all.path("live").path(0).asText());
                assertEquals("/watch/main", get(base + "/", null).headers().firstValue("location").orElse(""));

                HttpResponse<byte[]> thumbnail = await(() -> getBytes(base + "/api/v1/streams/main/thumbnail.jpg", TOKEN),
                        r -> r.statusCode() == 200, "a thumbnail");
                assertEquals("image/jpeg", thumbnail.headers().firstValue("content-type").orElse(""));
                BufferedImage picture = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
                assertNotNull(picture);
                assertEquals(240, picture.getHeight(), "the smallest rung, not scaled: " + picture.getWidth());

                HttpResponse<byte[]> qr = getBytes(base + "/api/v1/streams/main/qr.png", TOKEN);
                assertEquals("image/png", qr.headers().firstValue("content-type").orElse(""));
                assertEquals(server.addresses().watchUrl("main"), QrDecoding.fromImage(qr.body()));

                String config = get(base + "/api/v1/config", TOKEN).body();
                assertFalse(config.contains(KEY) || config.contains(TOKEN), config);
                assertTrue(config.contains("\"admin_token\":\"[redacted]\""), config);

                String metrics = get(base + "/metrics", TOKEN).body();
                assertTrue(metrics.contains("glasscast_streams_live 1.0"), metrics);
                assertTrue(metrics.contains("glasscast_ingest_bytes_total{stream=\"main\"}"), metrics);
                assertTrue(metrics.contains("glasscast_edge_requests_total") || metrics.contains("glasscast_edge_"), metrics);
                assertTrue(metrics.contains("jvm_threads_live_threads"), metrics);
                assertTrue(metrics.contains("glasscast_recordings_pruned_bytes_total 0.0"), metrics);

                HttpResponse<String> login = get(base + "/dashboard?token=" + TOKEN, null);
                assertEquals(303, login.statusCode());
                String cookie = login.headers().firstValue("set-cookie").orElseThrow();
                assertTrue(cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"), cookie);
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard"))
                        .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("/api/v1/streams"));

                assertEquals(405, get(base + "/api/v1/streams/main/kick", TOKEN).statusCode());
                assertEquals(200, post(base + "/api/v1/streams/main/kick", TOKEN).statusCode());
                FfmpegCli.Result kicked = publisher.await(30, TimeUnit.SECONDS);
                assertTrue(kicked.exitCode() != 0, "ffmpeg should have lost its connection:\n" + kicked.stderr());
                await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> !s.path("live").asBoolean(), "the kicked stream offline");
            }
        }
    }

    @Test
    void srtPublisherShowsLinkStatisticsAndCanBeKicked() throws Exception {
        try (GlassCastServer server = new GlassCastServer(twoRungConfig(dir, ""))) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 180, 25, 40));
            args.addAll(List.of("-f", "mpegts",
                    "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY + "&latency=200000"));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                JsonNode live = await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> s.path("srt").path("rttMillis").isNumber() && s.path("srt").path("receiveRateBits").asLong() > 0,
                        "a live SRT report");
                assertTrue(live.path("srt").path("peer").asText().contains("127.0.0.1"), live.toString());
                assertEquals(200, post(base + "/api/v1/streams/main/kick", TOKEN).statusCode());
                await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> !s.path("live").asBoolean(), "the kicked SRT stream offline");
                FfmpegCli.Result kicked = publisher.await(30, TimeUnit.SECONDS);
                assertTrue(kicked.exitCode() != 0, "ffmpeg should have been disconnected:\n" + kicked.stderr());
            }
        }
    }

    @Test
    void audioInACodecNotTakenIsNamedInTheReportOverSrtAndTheVideoStillPlays() throws Exception {
        assertTheMp3AudioIsNamed(List.of("-c:a", "mp2", "-f", "mpegts"), server ->
                "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY + "&latency=200000",
                "MPEG-1 audio (MP2/MP3)");
    }

    @Test
    void audioInACodecNotTakenIsNamedInTheReportOverRtmpAndTheVideoStillPlays() throws Exception {
        assertTheMp3AudioIsNamed(List.of("-c:a", "libmp3lame", "-ar", "44100", "-f", "flv"), server ->
                "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY, "the audio, in MP3, is not heard");
    }

    /** A publisher sends H.264 with MPEG audio: the report says so in words, and the video is served alone. */
    private void assertTheMp3AudioIsNamed(List<String> audioAndFormat, java.util.function.Function<GlassCastServer, String> url,
                                          String expectedWords) throws Exception {
        try (GlassCastServer server = new GlassCastServer(twoRungConfig(dir, ""))) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 180, 25, 40));
            args.addAll(audioAndFormat);
            args.add(url.apply(server));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                JsonNode live = await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> s.path("notices").size() > 0, "a notice in the stream report");
                assertEquals(1, live.path("notices").size(), live.path("notices").toString());
                String notice = live.path("notices").get(0).asText();
                assertTrue(notice.contains(expectedWords) && notice.contains("AAC"), notice);
                String multivariant = await(() -> get(base + "/live/main/index.m3u8", null),
                        r -> r.statusCode() == 200, "the multivariant playlist").body();
                assertTrue(multivariant.contains("CODECS=\"avc1.") && !multivariant.contains("TYPE=AUDIO"),
                        "the video is served, and no audio is advertised:\n" + multivariant);
            }
        }
    }

    /**
     * {@code ladder: auto} with a small source: the banner says auto, the report lists what was
     * chosen and why, and the weak-network rung it chose is a rendition players are offered.
     */
    @Test
    void ladderAutoSaysWhatItChoseAndMakesIt() throws Exception {
        GlassCastConfig config = new ConfigLoader().loadText("""
                data_dir: %s
                server: {http_port: 0, admin_token: %s}
                ingest:
                  rtmp: {port: 0}
                  srt: {port: 0}
                  streams: [{name: main, key: %s}]
                ladder: auto
                test_source: {enabled: false}
                webrtc: {bind: 127.0.0.1, udp_port: 0}
                """.formatted(dir.resolve("data"), TOKEN, KEY), Map.of());
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            assertTrue(GlassCastMain.banner(server).contains("Ladder:        auto"), GlassCastMain.banner(server));
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 180, 25, 40));
            args.addAll(List.of("-f", "mpegts",
                    "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY + "&latency=200000"));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                JsonNode live = await(() -> json.readTree(get(base + "/api/v1/streams/main", TOKEN).body()),
                        s -> s.path("ladder").size() > 0, "the auto ladder's reasons in the report");
                String reasons = live.path("ladder").toString();
                assertTrue(reasons.contains("144p: the rung for weak networks"), reasons);
                assertTrue(reasons.contains("240p: not below the source"), reasons);
                // Each rendition is listed once it has a segment, in whichever order they come.
                String multivariant = await(() -> get(base + "/live/main/index.m3u8", null),
                        r -> r.statusCode() == 200 && r.body().contains("144p/") && r.body().contains("source/"),
                        "the passthrough and the 144p rung listed").body();
                assertTrue(multivariant.contains("RESOLUTION=320x180"), "the source passes through:\n" + multivariant);
            }
        }
    }

    @Test
    void bannerQrCodeDecodesToThePublicWatchUrl() throws Exception {
        GlassCastConfig config = twoRungConfig(dir, ", public_url: 'https://live.example.org/'");
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            String banner = GlassCastMain.banner(server);
            String qr = banner.lines().filter(l -> l.contains("\u001b[30;107m"))
                    .reduce("", (a, b) -> a + b + "\n");
            assertEquals("https://live.example.org/watch/main", QrDecoding.fromTerminal(qr));
            assertTrue(banner.contains("https://live.example.org/dashboard?token=" + TOKEN), banner);
        }
    }

    private interface Fetch<T> {
        T get() throws Exception;
    }

    private static <T> T await(Fetch<T> fetch, Predicate<T> done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T last = null;
        while (System.nanoTime() < deadline) {
            last = fetch.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no " + what + " after 30 s; last: " + last);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
