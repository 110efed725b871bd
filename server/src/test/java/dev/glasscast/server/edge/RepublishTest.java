package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream that ended and is published again never serves its last session's ended playlist. */
class RepublishTest {

    private static final String KEY = "republish-key";

    @TempDir
    Path dir;

    @Test
    void aRepublishedStreamIsLiveAgainAtOnce() throws Exception {
        try (GlassCastServer server = new GlassCastServer(TestDaemon.config(dir, KEY))) {
            server.start();
            HttpClient client = HttpClient.newHttpClient();
            String playlist = "http://127.0.0.1:" + server.httpPort() + "/live/main/source/index.m3u8";

            publish(server, 3, false).waitFor(60, TimeUnit.SECONDS);
            String ended = "";
            for (int i = 0; i < 300 && !ended.contains("#EXT-X-ENDLIST"); i++) {
                Thread.sleep(100);
                ended = client.send(HttpRequest.newBuilder(URI.create(playlist)).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(ended.contains("#EXT-X-ENDLIST"), "the first session ended:\n" + ended);

            Process again = publish(server, 6, true);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!server.hub().liveStreams().stream().anyMatch(s -> s.path().toString().equals("main/source"))) {
                    assertTrue(System.nanoTime() < deadline, "the republish never went live");
                    Thread.sleep(20);
                }
                // "At once": from the moment the rendition is live again, no answer may be the last
                // session's ended playlist; poll until the new session's media is listed.
                List<String> answers = new ArrayList<>();
                String live = "";
                while (!(live.contains("#EXTINF") || live.contains("#EXT-X-PART:")) || live.contains("#EXT-X-ENDLIST")) {
                    assertTrue(System.nanoTime() < deadline, "no live playlist of the new session in 30 s:\n" + live);
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(playlist)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    live = response.statusCode() == 200 ? response.body() : "";
                    answers.add(response.statusCode() + (live.contains("#EXT-X-ENDLIST") ? " ended" : ""));
                    assertFalse(live.contains("#EXT-X-ENDLIST"), "the republished stream served its last session's ended "
                            + "playlist (answers so far: " + answers + "):\n" + live);
                    Thread.sleep(50);
                }
                System.out.println("answers until the new session's media was listed: " + answers);
            } finally {
                again.destroy();
                again.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process publish(GlassCastServer server, int seconds, boolean realTime) throws Exception {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"));
        if (realTime) {
            command.add("-re");
        }
        command.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "flv",
                "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg-" + seconds + ".log").toFile()).start();
    }
}
