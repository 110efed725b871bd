package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thousand viewers asking at once for a segment nobody has fetched yet cost one packager render. */
class OriginCoalescingTest {

    private static final String KEY = "coalescing-key";
    private static final int REQUESTS = 1000;

    @TempDir
    Path dir;

    @Test
    void thousandConcurrentMissesMakeOneRender() throws Exception {
        try (GlassCastServer server = new GlassCastServer(TestDaemon.config(dir, KEY))) {
            server.start();
            Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "5", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "flv",
                    "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
            assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, ffmpeg.exitValue(), Files.readString(dir.resolve("ffmpeg.log")));

            // HTTP/1.1: a thousand separate connections, as a thousand phones would open.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + server.httpPort() + "/live/main/source/";
            String playlist = "";
            for (int i = 0; i < 100 && !playlist.contains("#EXT-X-ENDLIST"); i++) {
                Thread.sleep(100);
                playlist = client.send(HttpRequest.newBuilder(URI.create(base + "index.m3u8")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            String segment = playlist.lines().filter(l -> l.endsWith(".m4s")).reduce((a, b) -> b).orElseThrow();
            URI uri = URI.create(base + segment);

            long rendersBefore = server.edgeCache().stats().originRenders();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
            try (ExecutorService viewers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < REQUESTS; i++) {
                    responses.add(viewers.submit(() -> {
                        go.await();
                        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
                    }));
                }
                go.countDown();
                byte[] first = null;
                for (Future<HttpResponse<byte[]>> response : responses) {
                    HttpResponse<byte[]> answer = response.get(60, TimeUnit.SECONDS);
                    assertEquals(200, answer.statusCode());
                    if (first == null) {
                        first = answer.body();
                        assertTrue(first.length > 1000);
                    }
                    assertArrayEquals(first, answer.body());
                }
            }
            assertEquals(1, server.edgeCache().stats().originRenders() - rendersBefore,
                    "packager renders for " + REQUESTS + " concurrent requests of " + segment);
        }
    }
}
