package dev.glasscast.server.restream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RestreamConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.browser.Viewer;
import dev.glasscast.server.e2e.DecodedMedia;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.transcode.restream.RestreamStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restream to real receivers while Debian's ffmpeg publishes as OBS does: nginx with Debian's
 * RTMP module takes the source over RTMP, libsrt's srt-live-transmit takes a transcoded rung
 * with the shared audio over SRT, and a third destination that is down keeps retrying without
 * disturbing them. ffprobe then decodes what each receiver recorded.
 */
class RestreamTest {

    private static final String KEY = "restream-main-key";
    private static final int SECONDS = 12;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> running = new ArrayList<>();
    private GlassCastServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    void theSourceGoesToNginxRtmpAndARungToAnSrtListenerWhileADeadDestinationRetries() throws Exception {
        RestreamReceivers.Receiver nginx = started(RestreamReceivers.nginxRtmp(dir.resolve("nginx"), "restreamed"));
        RestreamReceivers.Receiver srt = started(RestreamReceivers.srtListener(dir.resolve("srt")));
        int nobody = RestreamReceivers.freeTcpPort();

        GlassCastConfig base = TestDaemon.config(dir, KEY);
        RungConfig source = base.ladder().getFirst();
        RungConfig small = new RungConfig("180p", "h264", 320, 180, 300_000, 0, 0, 0, "veryfast", "main", null, 96_000);
        GlassCastConfig config = base.withLadder(List.of(source, small)).withIngest(base.ingest().withStreams(List.of(
                new StreamConfig("main", KEY).withRestream(List.of(
                        new RestreamConfig("rtmp://127.0.0.1:" + nginx.port() + "/live/restreamed", "source"),
                        new RestreamConfig("srt://127.0.0.1:" + srt.port() + "?streamid=restreamed", "180p"),
                        new RestreamConfig("rtmp://127.0.0.1:" + nobody + "/live/secret-key", "source"))))));
        server = new GlassCastServer(config);
        server.start();

        publishObsLike();
        awaitStopped(0);

        List<RestreamStatus> statuses = server.restreamer().statuses();
        RestreamStatus rtmp = statuses.get(0);
        RestreamStatus toSrt = statuses.get(1);
        RestreamStatus dead = statuses.get(2);
        assertEquals(1, rtmp.connections(), "one connection, no reconnect");
        assertEquals(0, rtmp.failures());
        assertTrue(rtmp.bytesSent() > 500_000, rtmp.bytesSent() + " bytes");
        assertEquals(0, toSrt.failures(), toSrt.lastError());
        assertEquals(0, dead.connections());
        assertTrue(dead.failures() >= 2, "the dead destination retried: " + dead.failures());
        assertNotNull(dead.lastError());
        assertEquals("rtmp://127.0.0.1:" + nobody + "/live/[redacted]", dead.destination());

        // The operator sees the same through the API and /metrics, without the destinations' keys.
        JsonNode report = json.readTree(get("/api/v1/streams/main"));
        JsonNode listed = report.get("restream");
        assertEquals(3, listed.size(), report.toString());
        assertEquals("rtmp://127.0.0.1:" + nginx.port() + "/live/[redacted]", listed.get(0).get("destination").asText());
        assertEquals("srt://127.0.0.1:" + srt.port() + "?[redacted]", listed.get(1).get("destination").asText());
        assertEquals("180p", listed.get(1).get("send").asText());
        assertEquals("stopped", listed.get(0).get("state").asText());
        assertTrue(listed.get(2).get("lastError").asText().contains("Connection refused"), listed.get(2).toString());
        String metrics = get("/metrics");
        assertTrue(metrics.contains("glasscast_restream_reconnects_total{destination=\"0\",send=\"source\",stream=\"main\"} 0.0"),
                metrics);
        java.util.regex.Matcher failures = java.util.regex.Pattern.compile(
                "glasscast_restream_failures_total\\{destination=\"2\",send=\"source\",stream=\"main\"} (\\d+)\\.0")
                .matcher(metrics);
        assertTrue(failures.find() && Integer.parseInt(failures.group(1)) >= 2, metrics);
        String runningConfig = get("/api/v1/config");
        assertTrue(!report.toString().contains("secret-key") && !metrics.contains("secret-key")
                && !runningConfig.contains("secret-key"), runningConfig);
        assertTrue(runningConfig.contains("rtmp://127.0.0.1:" + nobody + "/live/[redacted]"), runningConfig);

        // What the receivers recorded decodes: the source at its size, the rung at its own, each with audio.
        assertDecodes(nginx.recording(), 640, 360, (SECONDS - 3) * 30);
        awaitStopped(1);
        srt.close();
        assertDecodes(srt.recording(), 320, 180, (SECONDS - 4) * 30);
    }

    /**
     * RTMPS as YouTube, Facebook and Twitch take it: nginx's stream TLS proxy in front of
     * nginx-rtmp, with a test certificate. A destination that trusts that certificate (ca_file)
     * delivers; one that checks it against the system's CAs refuses to send its key there.
     */
    @Test
    void anRtmpsDestinationGetsTheSourceOverTlsAndAnUntrustedCertificateIsRefused() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        RestreamReceivers.Receiver nginx = started(RestreamReceivers.nginxRtmps(dir.resolve("nginx"), "restreamed", certificate));
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        GlassCastConfig config = base.withIngest(base.ingest().withStreams(List.of(new StreamConfig("main", KEY)
                .withRestream(List.of(
                        new RestreamConfig("rtmps://localhost:" + nginx.port() + "/live/restreamed", "source",
                                certificate.certificate().toString()),
                        new RestreamConfig("rtmps://localhost:" + nginx.port() + "/live/untrusted", "source"))))));
        server = new GlassCastServer(config);
        server.start();

        publishObsLike();
        awaitStopped(0);
        awaitStopped(1);

        RestreamStatus trusted = server.restreamer().statuses().get(0);
        RestreamStatus untrusted = server.restreamer().statuses().get(1);
        assertEquals(1, trusted.connections(), "one connection, no reconnect: " + trusted.lastError());
        assertEquals(0, trusted.failures(), trusted.lastError());
        assertEquals(0, untrusted.connections(), "never connected to a server it cannot trust");
        assertTrue(untrusted.failures() >= 1);
        assertTrue(untrusted.lastError().contains("certificate"), untrusted.lastError());
        assertTrue(!java.nio.file.Files.exists(nginx.recording().resolveSibling("untrusted.flv")),
                "the untrusted destination never reached the RTMP server behind the proxy");
        assertDecodes(nginx.recording(), 640, 360, (SECONDS - 3) * 30);
    }

    /**
     * A destination that goes away mid-stream is reconnected once it is back; the stream carries
     * on, and a viewer (hls.js in Chromium) watching across the loss and the reconnect sees no stall.
     */
    @Test
    void aDestinationKilledMidStreamIsReconnectedWhenItIsBack() throws Exception {
        RestreamReceivers.Receiver first = RestreamReceivers.nginxRtmp(dir.resolve("nginx-1"), "restreamed");
        running.add(first);
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        GlassCastConfig config = base.withIngest(base.ingest().withStreams(List.of(new StreamConfig("main", KEY)
                .withRestream(List.of(new RestreamConfig("rtmp://127.0.0.1:" + first.port() + "/live/restreamed", "source"))))));
        FfmpegCli.Running publisher = startAndPublish(config);
        RestreamStatus status = server.restreamer().statuses().getFirst();
        await("connected", () -> status.isConnected() && status.bytesSent() > 200_000);
        Viewer viewer = new Viewer(dir, "http://127.0.0.1:" + server.httpPort() + "/live/main/index.m3u8",
                Duration.ofSeconds(16));
        running.add(viewer);
        viewer.awaitPlaying(45);

        first.close();
        await("the loss noticed", () -> status.failures() >= 1);
        long sentBefore = status.bytesSent();
        RestreamReceivers.Receiver second = RestreamReceivers.nginxRtmp(dir.resolve("nginx-2"), "restreamed", first.port());
        running.add(second);
        await("reconnected", () -> status.connections() == 2 && status.bytesSent() > sentBefore + 800_000);
        assertTrue(server.hub().isLive(dev.glasscast.media.StreamPath.source("main")), "the stream carried on");
        assertEquals(1, status.reconnects());
        PlaybackReport watched = viewer.watched();
        System.out.println("[restream] the viewer across the destination's loss and reconnect: " + watched.summary());
        watched.assertWithin(PlaybackBounds.defaults()
                .withMinPlaying(Duration.ofSeconds(14))
                .withMaxStalls(0)
                // hls.js's jump to the live edge at its start.
                .allowingPlayerErrors("bufferSeekOverHole"));
        publisher.close();
        awaitStopped(0);
        // 800 kB at the source's 1.5 Mbit/s: about 4 s after the reconnect.
        assertDecodes(second.recording(), 640, 360, 90);
    }

    /**
     * The operator adds a destination through the API while the stream is live: it starts at
     * once (from the next key frame) and nginx-rtmp records what decodes. A config reload adds a
     * second, and taking it out of the file again stops it; removing the first through the API
     * stops it at once, while the stream and the other destinations carry on. The API, /metrics
     * and the config never show a key; a destination the daemon cannot push to is refused with
     * what is wrong.
     */
    @Test
    void destinationsAddedAndRemovedAtRuntimeStartAndStopAtOnce() throws Exception {
        RestreamReceivers.Receiver byApi = started(RestreamReceivers.nginxRtmp(dir.resolve("nginx-api"), "by-api-key"));
        RestreamReceivers.Receiver byReload = started(RestreamReceivers.nginxRtmp(dir.resolve("nginx-reload"), "reload-key"));
        GlassCastConfig config = TestDaemon.config(dir, KEY);
        startAndPublish(config);
        await("live", () -> server.hub().isLive(dev.glasscast.media.StreamPath.source("main")));

        java.net.http.HttpResponse<String> refused = call("POST", "/api/v1/streams/main/restream",
                "{\"url\": \"http://example.org/live/secret-key-123\", \"send\": \"4k\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("url") && refused.body().contains("send")
                && !refused.body().contains("secret-key-123"), refused.body());

        java.net.http.HttpResponse<String> added = call("POST", "/api/v1/streams/main/restream",
                "{\"url\": \"rtmp://127.0.0.1:" + byApi.port() + "/live/by-api-key\"}");
        assertEquals(201, added.statusCode(), added.body());
        JsonNode created = json.readTree(added.body());
        assertEquals(0, created.get("id").asInt());
        assertEquals("source", created.get("send").asText());
        RestreamStatus first = server.restreamer().statuses().getFirst();
        await("the added destination connected", () -> first.isConnected() && first.bytesSent() > 300_000);

        GlassCastConfig reloaded = config.withIngest(config.ingest().withStreams(List.of(new StreamConfig("main", KEY)
                .withRestream(List.of(new RestreamConfig("rtmp://127.0.0.1:" + byReload.port() + "/live/reload-key",
                        "source"))))));
        server.reconfigure(reloaded);
        RestreamStatus second = server.restreamer().statuses().get(1);
        assertEquals(1, second.index());
        await("the reloaded destination connected", () -> second.isConnected() && second.bytesSent() > 300_000);

        JsonNode listed = json.readTree(get("/api/v1/streams/main/restream")).get("restream");
        assertEquals(2, listed.size(), listed.toString());
        assertEquals("rtmp://127.0.0.1:" + byApi.port() + "/live/[redacted]", listed.get(0).get("destination").asText());
        String metrics = get("/metrics");
        assertTrue(metrics.contains("glasscast_restream_connected{destination=\"1\",send=\"source\",stream=\"main\"} 1.0"),
                metrics);
        String everything = listed + get("/api/v1/streams/main") + metrics + get("/api/v1/config");
        assertTrue(!everything.contains("by-api-key") && !everything.contains("reload-key"), everything);

        java.net.http.HttpResponse<String> removed = call("DELETE", "/api/v1/streams/main/restream/0", null);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(404, call("DELETE", "/api/v1/streams/main/restream/0", null).statusCode());
        await("the removed destination stopped", () -> first.state().equals("stopped"));
        server.reconfigure(config);
        await("the destination taken out of the file stopped", () -> second.state().equals("stopped"));
        assertEquals(List.of(), server.restreamer().statuses());
        Thread.sleep(500); // nginx writes what it had received
        long recordedThen = java.nio.file.Files.size(byApi.recording());
        Thread.sleep(1500);
        assertEquals(recordedThen, java.nio.file.Files.size(byApi.recording()), "nothing more went to the removed one");
        assertTrue(server.hub().isLive(dev.glasscast.media.StreamPath.source("main")), "the stream carried on");
        assertTrue(!get("/metrics").contains("glasscast_restream_"), "the removed destinations' metrics are gone");
        assertDecodes(byApi.recording(), 640, 360, 30);
        assertDecodes(byReload.recording(), 640, 360, 30);
    }

    private java.net.http.HttpResponse<String> call(String method, String path, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + server.adminToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Starts the daemon on {@code config} and an OBS-like publisher of 40 s of 640x360 30 fps over RTMP. */
    private FfmpegCli.Running startAndPublish(GlassCastConfig config) throws Exception {
        server = new GlassCastServer(config);
        server.start();
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 30, 40));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        return started(FfmpegCli.start(dir, args));
    }

    /** Publishes SECONDS of 640x360 30 fps as OBS does, over RTMP, and waits until the publisher is done. */
    private void publishObsLike() throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 30, SECONDS));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        FfmpegCli.Result published = FfmpegCli.start(dir, args).await(SECONDS + 30, TimeUnit.SECONDS);
        assertEquals(0, published.exitCode(), published.stderr());
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private String get(String path) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + server.adminToken()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private void assertDecodes(Path recording, int width, int height, int minFrames) throws Exception {
        DecodedMedia.assertH264WithAac(dir, recording, width, height, minFrames);
    }

    private void awaitStopped(int index) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.restreamer().statuses().get(index).state().equals("stopped")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("destination " + index + " still " + server.restreamer().statuses().get(index).state());
            }
            Thread.sleep(100);
        }
    }

    private <T extends AutoCloseable> T started(T closeable) {
        running.add(closeable);
        return closeable;
    }
}
