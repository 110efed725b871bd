package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP semantics a cache or player relies on, against a daemon holding a real published stream:
 * conditional GET, byte ranges, gzip of playlists, HEAD, CORS, and HTTP/2 over cleartext.
 */
class HttpSemanticsEndToEndTest {

    private static final String KEY = "http-semantics-key";

    @TempDir
    static Path dir;

    private static GlassCastServer server;
    private static String base;
    private static String segmentUrl;
    private static final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void publishAStream() throws Exception {
        server = new GlassCastServer(TestDaemon.config(dir, KEY));
        server.start();
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
                "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS), "ffmpeg finished");
        assertEquals(0, ffmpeg.exitValue(), Files.readString(dir.resolve("ffmpeg.log")));
        base = "http://127.0.0.1:" + server.httpPort() + "/live/main/";
        String playlist = "";
        for (int i = 0; i < 100 && !playlist.contains("#EXT-X-ENDLIST"); i++) {
            Thread.sleep(100);
            playlist = get(http1, base + "source/index.m3u8", "").body();
        }
        String segment = playlist.lines().filter(l -> l.endsWith(".m4s")).findFirst().orElseThrow();
        segmentUrl = base + "source/" + segment;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void conditionalGetAnswers304ForTheSameEntityTag() throws Exception {
        HttpResponse<byte[]> full = bytes(http1, segmentUrl, "");
        String etag = full.headers().firstValue("etag").orElseThrow();
        assertTrue(full.headers().firstValue("cache-control").orElseThrow().contains("immutable"));
        assertEquals("*", full.headers().firstValue("access-control-allow-origin").orElseThrow());
        HttpResponse<byte[]> again = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        HttpResponse<byte[]> changed = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .header("If-None-Match", "\"something-else\"").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, changed.statusCode());
    }

    @Test
    void rangesReturnExactlyThoseBytes() throws Exception {
        byte[] full = bytes(http1, segmentUrl, "").body();
        HttpResponse<byte[]> part = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .header("Range", "bytes=100-299").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-299/" + full.length, part.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(full, 100, 300), part.body());
        HttpResponse<byte[]> suffix = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .header("Range", "bytes=-50").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(Arrays.copyOfRange(full, full.length - 50, full.length), suffix.body());
        HttpResponse<byte[]> beyond = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .header("Range", "bytes=" + full.length + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(416, beyond.statusCode());
    }

    @Test
    void playlistsAreGzippedWhenAskedAndMediaIsNot() throws Exception {
        String plain = get(http1, base + "source/index.m3u8", "").body();
        HttpResponse<byte[]> gzipped = bytes(http1, base + "source/index.m3u8", "gzip");
        assertEquals("gzip", gzipped.headers().firstValue("content-encoding").orElse(""));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertEquals(plain, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> segment = bytes(http1, segmentUrl, "gzip");
        assertTrue(segment.headers().firstValue("content-encoding").isEmpty(), "segments are never compressed");
    }

    @Test
    void headSendsTheLengthWithoutTheBody() throws Exception {
        byte[] full = bytes(http1, segmentUrl, "").body();
        HttpResponse<byte[]> head = http1.send(HttpRequest.newBuilder(URI.create(segmentUrl))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(full.length), head.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, head.body().length);
    }

    @Test
    void http2OverCleartextByUpgradeAndPriorKnowledgeServesTheSameBytes() throws Exception {
        byte[] overHttp1 = bytes(http1, segmentUrl, "").body();
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        // The first request upgrades the connection (h2c); the following ones use HTTP/2 streams.
        bytes(http2, base + "index.m3u8", "");
        HttpResponse<byte[]> overHttp2 = bytes(http2, segmentUrl, "");
        assertEquals(HttpClient.Version.HTTP_2, overHttp2.version());
        assertArrayEquals(overHttp1, overHttp2.body());

        Path out = dir.resolve("curl.bin");
        Process curl = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "-o", out.toString(),
                "-w", "%{http_version} %{http_code}", segmentUrl).redirectErrorStream(true).start();
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        String summary = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("2 200", summary.trim());
        assertArrayEquals(overHttp1, Files.readAllBytes(out));
    }

    private static HttpResponse<String> get(HttpClient client, String url, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (!acceptEncoding.isEmpty()) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> bytes(HttpClient client, String url, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (!acceptEncoding.isEmpty()) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        return response;
    }
}
