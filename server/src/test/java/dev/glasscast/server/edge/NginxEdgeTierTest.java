package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
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
        int edgePort = freePort();
        startNginx(edgePort, server.httpPort());

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
                .content("<video id=v muted playsinline></video>", "hls.js/dist/hls.min.js")
                .eval("started", "(() => { window.errors = []; const h = new Hls({lowLatencyMode: true}); window.h = h;"
                        + " h.on(Hls.Events.ERROR, (e, d) => { if (d.fatal) window.errors.push(d.details); });"
                        + " h.loadSource('" + edge + "index.m3u8'); h.attachMedia(document.getElementById('v'));"
                        + " document.getElementById('v').play(); return true; })()")
                .waitFor("document.getElementById('v').currentTime > 0", Duration.ofSeconds(20))
                .eval("start", "document.getElementById('v').currentTime")
                .waitMillis(8_000)
                .eval("end", "document.getElementById('v').currentTime")
                .eval("errors", "window.errors")
                .run(dir, Duration.ofSeconds(60));
        crowd.shutdown();
        assertTrue(crowd.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(player.ok(), player.diagnostics());
        double advanced = player.value("end").asDouble() - player.value("start").asDouble();
        assertTrue(advanced >= 6, "hls.js through nginx advanced " + advanced + " s\n" + player.diagnostics());
        assertEquals(0, player.value("errors").size(), player.diagnostics());
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

    private void startNginx(int listenPort, int upstreamPort) throws Exception {
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
        awaitStatus(client, "http://127.0.0.1:" + listenPort + "/healthz", 200, Duration.ofSeconds(10));
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
