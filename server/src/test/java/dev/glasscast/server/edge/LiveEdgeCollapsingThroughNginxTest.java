package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.conformance.LowCostLive;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request thousands of viewers make at once is the one for the live edge: the segment being
 * written (low-latency DASH, streamed chunked as parts are cut) and the part a preload hint names
 * (LL-HLS, answered once it is cut). Through the shipped nginx config, 200 clients ask for these
 * at the same instant; nginx must pass one request per object to the daemon (proxy_cache_lock
 * works only on responses it may cache), and every client must get the finished object's bytes.
 */
class LiveEdgeCollapsingThroughNginxTest {

    private static final int CLIENTS = 200;
    private static final int ROUNDS = 3;
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part(\\d+)\\.(\\d+)\\.m4s\"");

    @TempDir
    Path dir;

    private GlassCastServer server;
    private NginxEdge nginx;
    private FfmpegCli.Running publisher;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoHundredClientsAtTheLiveEdgeMakeOneOriginRequestPerObject() throws Exception {
        server = LowCostLive.start(dir);
        publisher = LowCostLive.publish(dir, server, 40);
        nginx = NginxEdge.start(dir.resolve("nginx"), server.httpPort());
        String origin = LowCostLive.base(server);
        String edge = nginx.origin() + "/live/" + LowCostLive.STREAM + "/";
        awaitBody(origin + "audio/index.m3u8", "#EXT-X-PRELOAD-HINT");
        awaitBody(origin + "source/index.m3u8", "#EXT-X-PRELOAD-HINT");

        List<String> inProgress = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < ROUNDS; round++) {
                // The live edge now, from the origin's own playlists: the hinted part, and the
                // segment it belongs to (the one being written, or the next, which the daemon waits for).
                Map<String, String> objects = new LinkedHashMap<>();
                for (String rendition : List.of("source", "audio")) {
                    Matcher hint = HINT.matcher(get(origin + rendition + "/index.m3u8").body());
                    assertTrue(hint.find());
                    objects.put(rendition + "/seg" + hint.group(1) + ".m4s", "LL-DASH");
                    objects.put(rendition + "/part" + hint.group(1) + "." + hint.group(2) + ".m4s", "LL-HLS");
                }
                List<String> targets = new ArrayList<>(objects.keySet());
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    String target = targets.get(client % targets.size());
                    answers.add(clients.submit(() -> {
                        gate.await();
                        return http.send(HttpRequest.newBuilder(URI.create(edge + target))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    }));
                }
                gate.countDown();
                Map<String, byte[]> finished = new LinkedHashMap<>();
                for (int client = 0; client < CLIENTS; client++) {
                    String target = targets.get(client % targets.size());
                    HttpResponse<byte[]> answer = answers.get(client).get();
                    assertEquals(200, answer.statusCode(), target + " through nginx");
                    byte[] complete = finished.computeIfAbsent(target, t -> get(origin + t, HttpResponse.BodyHandlers.ofByteArray()).body());
                    assertTrue(complete.length > 0, target);
                    assertArrayEquals(complete, answer.body(), "client " + client + " got other bytes than the finished " + target);
                }
                inProgress.addAll(targets);
            }
        }

        Map<String, Integer> originRequests = nginx.originRequests();
        Map<String, Integer> edgeRequests = nginx.edgeRequests();
        StringBuilder table = new StringBuilder();
        for (String target : inProgress) {
            table.append(String.format("%-24s edge %3d  origin %d%n", target, edgeRequests.get("/live/main/" + target),
                    originRequests.get("/live/main/" + target)));
        }
        System.out.print("[nginx live edge] requests per in-progress object:\n" + table);
        for (String target : inProgress) {
            String path = "/live/main/" + target;
            assertEquals(CLIENTS / 4, edgeRequests.get(path), "nginx answered every client for " + path + "\n" + table);
            assertEquals(1, originRequests.get(path), "origin requests for " + path + "\n" + table);
        }
        // The segments were still being written when nginx asked: the daemon streamed them chunked.
        java.util.Set<String> chunked = nginx.chunkedFromOrigin();
        List<String> streamed = inProgress.stream().filter(t -> t.contains("/seg"))
                .filter(t -> chunked.contains("/live/main/" + t)).toList();
        assertEquals(inProgress.size() / 2, streamed.size(), "LL-DASH segments streamed while being written: " + streamed);
    }

    private void awaitBody(String url, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200 && response.body().contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + text + " in " + url);
    }

    private HttpResponse<String> get(String url) {
        return get(url, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), body);
        } catch (Exception e) {
            throw new AssertionError(url, e);
        }
    }
}
