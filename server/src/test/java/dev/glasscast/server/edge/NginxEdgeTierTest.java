package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nginx, with the scale-out config from {@code docker/nginx/}, as a second cache tier on
 * loopback: a player (hls.js in Chromium) and a crowd of simulated viewers watch through nginx,
 * and nginx's own log shows GlassCast was asked for each media object exactly once.
 */
class NginxEdgeTierTest {

    private static final String KEY = "nginx-tier-key";
    private static final int VIEWERS = 40;
    private static final Pattern INIT_URI = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private GlassCastServer server;
    private NginxEdge nginx;
    private Process publisher;

    @AfterEach
    void stopEverything() {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void viewersThroughNginxPlayAndTheOriginServesEachObjectOnce() throws Exception {
        server = new GlassCastServer(TestDaemon.config(dir, KEY));
        server.start();
        nginx = NginxEdge.start(dir.resolve("nginx"), server.httpPort());

        publisher = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000",
                "-t", "30", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();

        String edge = nginx.origin() + "/live/main/";
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        awaitStatus(client, edge + "index.m3u8", 200, Duration.ofSeconds(20));

        // A crowd that fetches every new object the moment the playlist lists it, all at once.
        ExecutorService crowd = Executors.newVirtualThreadPerTaskExecutor();
        Set<String> fetched = ConcurrentHashMap.newKeySet();
        List<String> failures = new ArrayList<>();
        long crowdEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        for (int viewer = 0; viewer < VIEWERS; viewer++) {
            crowd.submit(() -> watch(client, edge, crowdEnd, fetched, failures));
        }

        BrowserDriver.Result player = BrowserDriver.visit()
                .content("<video id=v playsinline></video>", "hls.js/dist/hls.min.js")
                .eval("started", "(() => { const h = new Hls({lowLatencyMode: true}); window.h = h;"
                        + " glasscastProbe.watch(document.getElementById('v'), () => window.h);"
                        + " h.loadSource('" + edge + "index.m3u8'); h.attachMedia(document.getElementById('v'));"
                        + " document.getElementById('v').play(); return true; })()")
                .awaitPlayback(Duration.ofSeconds(30))
                .watchFor(Duration.ofSeconds(8))
                .probeReport("playback")
                .run(dir, Duration.ofSeconds(90));
        crowd.shutdown();
        assertTrue(crowd.awaitTermination(30, TimeUnit.SECONDS));
        PlaybackReport playback = player.playback("playback");
        System.out.println("[nginx tier] hls.js: " + playback.summary());
        playback.assertWithin(PlaybackBounds.defaults()
                .withMinPlaying(Duration.ofSeconds(7))
                // hls.js reports its jump to the live start (the clock at 0, the first fragment
                // at the live edge) as this non-fatal error, before playback begins; with it, it
                // may cancel the part it was loading for the old position, which the probe takes
                // as hls.js's own bookkeeping (clean-clone run V, 2026-12-07: 7.99 s played in
                // 8.03 s, no stall, after a jump from 4.69 s to 5.46 s).
                .allowingPlayerErrors("bufferSeekOverHole"));
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(fetched.size() >= 4, "objects fetched by the crowd: " + fetched);

        // nginx logs every request with the upstream it asked ("-" when it answered from cache).
        Map<String, Integer> originRequests = new TreeMap<>(nginx.originRequests());
        Map<String, Integer> edgeRequests = new TreeMap<>(nginx.edgeRequests());
        originRequests.keySet().removeIf(uri -> !isMediaObject(uri));
        originRequests.values().removeIf(count -> count == 0);
        edgeRequests.keySet().removeIf(uri -> !isMediaObject(uri));
        assertTrue(edgeRequests.values().stream().anyMatch(n -> n > VIEWERS / 2), "the crowd went through nginx: " + edgeRequests);
        for (Map.Entry<String, Integer> object : originRequests.entrySet()) {
            assertEquals(1, object.getValue(), "origin requests for " + object.getKey() + " (edge saw "
                    + edgeRequests.get(object.getKey()) + ")");
        }
        assertEquals(edgeRequests.keySet(), originRequests.keySet(), "every object came from the origin once");
    }

    /** One simulated viewer: polls the media playlist, fetches the init and each new segment once. */
    private static void watch(HttpClient client, String edge, long end, Set<String> fetched, List<String> failures) {
        Set<String> mine = ConcurrentHashMap.newKeySet();
        try {
            while (System.nanoTime() < end) {
                for (String rendition : List.of("source", "audio")) {
                    HttpResponse<String> playlist = client.send(HttpRequest.newBuilder(URI.create(edge + rendition + "/index.m3u8")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (playlist.statusCode() != 200) {
                        continue;
                    }
                    List<String> objects = new ArrayList<>();
                    Matcher map = INIT_URI.matcher(playlist.body());
                    while (map.find()) {
                        objects.add(map.group(1));
                    }
                    playlist.body().lines().filter(l -> l.endsWith(".m4s")).forEach(objects::add);
                    for (String object : objects) {
                        String url = edge + rendition + "/" + object;
                        if (mine.add(url)) {
                            HttpResponse<byte[]> media = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            if (media.statusCode() != 200 || media.body().length == 0) {
                                synchronized (failures) {
                                    failures.add(url + " -> " + media.statusCode());
                                }
                            }
                            fetched.add(url);
                        }
                    }
                }
                Thread.sleep(250);
            }
        } catch (IOException | InterruptedException e) {
            synchronized (failures) {
                failures.add(e.toString());
            }
        }
    }

    private static boolean isMediaObject(String uri) {
        return uri.endsWith(".m4s") || uri.endsWith(".mp4");
    }

    private void awaitStatus(HttpClient client, String url, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // nginx or the stream is still starting
            }
            Thread.sleep(100);
        }
        Path errors = dir.resolve("nginx").resolve("error.log");
        String log = Files.exists(errors) ? Files.readString(errors) : "";
        throw new AssertionError(url + " did not answer " + status + " (last " + last + ")\n" + log);
    }
}
