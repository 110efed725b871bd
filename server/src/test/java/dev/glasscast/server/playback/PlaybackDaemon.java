package dev.glasscast.server.playback;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A daemon for playback tests: HTTP and RTMP on ephemeral loopback ports, no test source, one
 * stream {@code main}, data under the given directory; plus an OBS-like ffmpeg publisher and an
 * HTTP client.
 */
final class PlaybackDaemon implements AutoCloseable {

    static final String KEY = "playback-secret-key";
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    static final int FPS = 30;

    final Path dir;
    final GlassCastServer server;
    // HTTP/1.1, as browsers speak to an http:// origin: chunked transfer of open segments is its feature.
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    PlaybackDaemon(Path dir) throws Exception {
        this.dir = dir;
        // No slate: the reconnect and recording tests watch the publisher go and come back.
        GlassCastConfig config = TestDaemon.config(dir, KEY);
        server = new GlassCastServer(config);
        server.start();
    }

    /** Starts ffmpeg publishing {@code seconds} of an OBS-like 640x360 source in real time. */
    FfmpegCli.Running publish(int seconds) throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, seconds));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        return FfmpegCli.start(dir, args);
    }

    /** {@code http://127.0.0.1:port/live/main/}. */
    String base() {
        return "http://127.0.0.1:" + server.httpPort() + "/live/main/";
    }

    String origin() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code url} until it answers 200 with a body containing {@code text}. */
    String await(String url, String text, Duration timeout) throws Exception {
        return await(url, "'" + text + "'", body -> body.contains(text), timeout);
    }

    /** Polls {@code url} until it answers 200 with a body that {@code wanted} accepts. */
    String await(String url, String description, Predicate<String> wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200) {
                last = response.body();
                if (wanted.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + description + " in " + url + " within " + timeout + ":\n" + last);
    }

    /** Waits until the video playlist lists {@code segments} complete segments. */
    void awaitSegments(int segments, Duration timeout) throws Exception {
        await(base() + "source/index.m3u8", segments + " segments",
                playlist -> playlist.split("#EXTINF:", -1).length - 1 >= segments, timeout);
    }

    @Override
    public void close() {
        server.close();
    }
}
