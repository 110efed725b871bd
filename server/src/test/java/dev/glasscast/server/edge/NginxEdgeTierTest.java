package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import java.io.IOException;
import java.net.ServerSocket;
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
    private static final Path EDGE_TEMPLATE = Path.of("..", "docker", "nginx", "glasscast-edge.conf.template");
    private static final int VIEWERS = 40;
    private static final Pattern INIT_URI = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private GlassCastServer server;
    private Process nginx;
    private Process publisher;

    @AfterEach
    void stopEverything() {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
        if (nginx != null) {
            nginx.destroy();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void viewersThroughNginxPlayAndTheOriginServesEachObjectOnce() throws Exception {
        server = new GlassCastServer(TestDaemon.config(dir, KEY));
        server.start();
        int edgePort = startNginx(server.httpPort());

        publisher = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000",
                "-t", "30", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();

        String edge = "http://127.0.0.1:" + edgePort + "/live/main/";
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
                // at the live edge) as this non-fatal error, before playback begins.
                .allowingPlayerErrors("bufferSeekOverHole"));
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(fetched.size() >= 4, "objects fetched by the crowd: " + fetched);

        // nginx logs every request with the upstream it asked ("-" when it answered from cache).
        Map<String, Integer> originRequests = new TreeMap<>();
        Map<String, Integer> edgeRequests = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("access.log"))) {
            String[] fields = line.split(" ");
            String uri = fields[0];
            if (!uri.endsWith(".m4s") && !uri.endsWith(".mp4")) {
                continue;
            }
            edgeRequests.merge(uri, 1, Integer::sum);
            if (!fields[1].equals("-")) {
                originRequests.merge(uri, 1, Integer::sum);
            }
        }
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

    /**
     * Starts nginx on a loopback port and returns it. nginx cannot listen on port 0 (it refuses
     * it as invalid) nor report a port it chose, so the port comes from a socket bound to port 0
     * and closed again; should another process take it before nginx binds it, nginx fails with
     * "Address already in use" and the next try gets another port.
     */
    private int startNginx(int upstreamPort) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = unusedPort();
            if (startNginx(port, upstreamPort) || attempt == 5) {
                return port;
            }
        }
    }

    /** Starts nginx on {@code listenPort}; false if the port was taken meanwhile. */
    private boolean startNginx(int listenPort, int upstreamPort) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path temp = Files.createDirectories(dir.resolve("temp"));
        String edgeConfig = Files.readString(EDGE_TEMPLATE)
                .replace("${GLASSCAST_UPSTREAM}", "127.0.0.1:" + upstreamPort)
                .replace("${NGINX_LISTEN}", "127.0.0.1:" + listenPort)
                .replace("${NGINX_CACHE_DIR}", cache.toString());
        Files.writeString(dir.resolve("glasscast-edge.conf"), edgeConfig);
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    log_format edge '$uri $upstream_addr $upstream_cache_status $status';
                    access_log %1$s/access.log edge;
                    client_body_temp_path %2$s/body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                    include %1$s/glasscast-edge.conf;
                }
                """.formatted(dir, temp));
        String binary = Files.exists(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        nginx = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (nginx.isAlive() && System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenPort + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // nginx is still starting
            }
            Thread.sleep(100);
        }
        String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
        if (!nginx.isAlive() && log.contains("Address already in use")) {
            Files.delete(dir.resolve("error.log"));
            return false;
        }
        throw new AssertionError("nginx did not answer on port " + listenPort + "\n" + log
                + Files.readString(dir.resolve("nginx.out")));
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
        String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
        throw new AssertionError(url + " did not answer " + status + " (last " + last + ")\n" + log);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
