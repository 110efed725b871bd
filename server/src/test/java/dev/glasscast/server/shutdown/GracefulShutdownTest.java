package dev.glasscast.server.shutdown;

import dev.glasscast.server.TestDaemon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a running daemon (its own JVM, started like the launcher starts it, with the test
 * pattern publishing over RTMP): the shutdown hook closes ingest, drains the transcoder, ends the
 * renditions and stops the network threads, and the JVM exits in well under Docker's 10 s grace.
 */
class GracefulShutdownTest {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheDaemonCleanlyWhilePublishing() throws Exception {
        Path config = dir.resolve("glasscast.yaml");
        Files.writeString(config, """
                data_dir: %s
                server: {bind: 127.0.0.1, http_port: 0}
                webrtc: {bind: 127.0.0.1, udp_port: 0}
                ingest:
                  rtmp: {bind: 127.0.0.1, port: 0}
                  srt: {enabled: false}
                  streams: [{name: main, key: shutdown-test-key}]
                test_source: {enabled: true, stream: main, width: 320, height: 180, fps: 15, video_bitrate: 300k}
                """.formatted(dir.resolve("data")));
        Path log = dir.resolve("daemon.log");
        Process daemon = TestDaemon.startProcess(dir, config);
        try {
            int port = awaitHttpPort(daemon, log);
            awaitPlaylist(port, log);

            long stopping = System.nanoTime();
            daemon.destroy(); // SIGTERM
            assertTrue(daemon.waitFor(15, TimeUnit.SECONDS), "the daemon did not stop:\n" + read(log));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            String output = read(log);
            assertEquals(143, daemon.exitValue(), "exit status after SIGTERM\n" + output);
            assertTrue(output.contains("shutting down") && output.contains("stopped"), output);
            assertFalse(output.contains("halting"), output);
            assertFalse(output.contains("Exception"), output);
            assertTrue(tookMillis < 10_000, "stopping took " + tookMillis + " ms");
            System.out.println("[shutdown] SIGTERM to exit: " + tookMillis + " ms");
        } finally {
            daemon.destroyForcibly();
        }
    }

    private static int awaitHttpPort(Process daemon, Path log) throws Exception {
        Pattern watch = Pattern.compile("Watch:\\s+http://[^:/]+:(\\d+)/watch/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            Matcher matcher = watch.matcher(read(log));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no banner from the daemon:\n" + read(log));
    }

    private static void awaitPlaylist(int port, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI playlist = URI.create("http://127.0.0.1:" + port + "/live/main/source/index.m3u8");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(playlist).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("#EXTINF")) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the test pattern never reached the playlist:\n" + read(log));
    }

    private static String read(Path log) throws Exception {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

}
