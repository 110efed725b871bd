package dev.glasscast.server.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded segment goes out over plain HTTP/1.1 with sendfile from its recording file, and the
 * client gets exactly the file's bytes: whole, as a range, and after a HEAD on the same
 * connection; so does a live segment still in memory once the recorder has written it. HTTP/2
 * gets the same bytes from memory. To tell the two paths apart, the test
 * changes bytes of the file in place (recordings never change in real life): HTTP/1.1 then sends
 * the changed bytes beyond the first 64 KiB, HTTP/2 the cached ones.
 */
class RecordedSegmentSendfileTest {

    private static final String KEY = "sendfile-key";
    private static final Pattern SEGMENT = Pattern.compile("(?m)^seg(\\d+)\\.m4s$");

    @TempDir
    Path dir;

    @Test
    void recordedSegmentsAreSentFromTheirFilesOverHttp1AndFromMemoryOverHttp2() throws Exception {
        try (GlassCastServer server = new GlassCastServer(TestDaemon.config(dir, KEY))) {
            server.start();
            // Not paced: 6 s of 720p at 3 Mbit/s, segments of about 750 KB, well past the 64 KiB prefix.
            FfmpegCli.Result published = FfmpegCli.run(dir, "ffmpeg", List.of("-hide_banner", "-nostdin", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "6",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                    "-b:v", "3M", "-maxrate", "3M", "-bufsize", "3M", "-pix_fmt", "yuv420p",
                    "-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY), 90);
            assertEquals(0, published.exitCode(), published.stderr());

            String base = "http://127.0.0.1:" + server.httpPort() + "/live/main/source/";
            HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String playlist = "";
            for (int i = 0; i < 300 && !playlist.contains("#EXT-X-ENDLIST"); i++) {
                Thread.sleep(100);
                playlist = http1.send(HttpRequest.newBuilder(URI.create(base + "index.m3u8")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(playlist.contains("#EXT-X-ENDLIST"), "the stream ended:\n" + playlist);
            Matcher segment = SEGMENT.matcher(playlist);
            assertTrue(segment.find(), playlist);
            String name = "seg" + segment.group(1) + ".m4s";
            Path file = dir.resolve("data/recordings/main/source/" + name);
            assertTrue(Files.isRegularFile(file), "recorded: " + file);
            byte[] recorded = Files.readAllBytes(file);
            assertTrue(recorded.length > 200_000, "a segment of " + recorded.length + " bytes");
            URI uri = URI.create(base + name);

            HttpResponse<byte[]> whole = http1.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, whole.statusCode());
            assertEquals(String.valueOf(recorded.length), whole.headers().firstValue("content-length").orElse(""));
            assertArrayEquals(recorded, whole.body());

            HttpResponse<byte[]> range = http1.send(HttpRequest.newBuilder(uri).header("Range", "bytes=100000-199999").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(recorded, 100_000, 200_000), range.body());

            HttpResponse<byte[]> small = http1.send(HttpRequest.newBuilder(uri).header("Range", "bytes=0-99").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, small.statusCode());
            assertArrayEquals(Arrays.copyOfRange(recorded, 0, 100), small.body());

            HttpResponse<byte[]> head = http1.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
            assertArrayEquals(recorded, http1.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()).body(),
                    "the connection is still good after the HEAD");

            assertSentFromTheFile(http1, uri, file, recorded);

            HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<byte[]> overHttp2 = http2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> overHttp2Again = http2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, overHttp2Again.version());
            assertArrayEquals(recorded, overHttp2.body(), "HTTP/2 sends the cached bytes");
            assertArrayEquals(recorded, overHttp2Again.body());
        }
    }

    @Test
    void liveSegmentsAreSentFromTheirRecordingOnceItIsWritten() throws Exception {
        try (GlassCastServer server = new GlassCastServer(TestDaemon.config(dir, KEY))) {
            server.start();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 30, 30));
            args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                String base = "http://127.0.0.1:" + server.httpPort() + "/live/main/source/";
                HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Path file = null;
                String name = null;
                for (int i = 0; i < 300 && file == null; i++) {
                    Thread.sleep(100);
                    assertTrue(publisher.isAlive(), publisher.stderr());
                    HttpResponse<String> playlist = http1.send(HttpRequest.newBuilder(URI.create(base + "index.m3u8")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    Matcher segment = SEGMENT.matcher(playlist.body());
                    if (playlist.statusCode() == 200 && segment.find()) {
                        // Known to the packager as recorded: a request before that would be cached without the file.
                        file = server.recordings().fileOf(StreamPath.rendition("main", "source"), Long.parseLong(segment.group(1)));
                        name = "seg" + segment.group(1) + ".m4s";
                    }
                }
                assertTrue(file != null, "a closed segment was recorded within 30 s");
                byte[] recorded = Files.readAllBytes(file);
                URI uri = URI.create(base + name);
                assertArrayEquals(recorded, http1.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
                assertTrue(publisher.isAlive(), "still live");
                assertSentFromTheFile(http1, uri, file, recorded);
            }
        }
    }

    /** Changes bytes of {@code file} beyond the 64 KiB sent from memory and expects them in the response. */
    private static void assertSentFromTheFile(HttpClient http1, URI uri, Path file, byte[] recorded) throws Exception {
        int changedAt = recorded.length - 1_000;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[100]), changedAt);
        }
        byte[] fromFile = http1.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        assertArrayEquals(new byte[100], Arrays.copyOfRange(fromFile, changedAt, changedAt + 100), "HTTP/1.1 sends the file");
        assertArrayEquals(Arrays.copyOfRange(recorded, 0, changedAt), Arrays.copyOfRange(fromFile, 0, changedAt));
    }
}
