package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.RequiredTool;
import dev.glasscast.ingest.mpegts.TsSamples;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real libsrt callers (Debian's ffmpeg and srt-live-transmit) against the listener. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SrtFfmpegInteropTest {

    static Path sample;

    @BeforeAll
    static void encode(@TempDir Path dir) throws Exception {
        sample = TsSamples.encode(dir.resolve("in.ts"), 640, 360, 25, 3);
    }

    record Run(int exit, String log) {
    }

    static Run run(List<String> command, Path stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            // Through a pipe: srt-live-transmit polls stdin, which a regular file cannot be. Its
            // poll only sees data that arrives after it connected, so start late and trickle.
            Thread.ofVirtual().start(() -> {
                try (var out = process.getOutputStream()) {
                    byte[] data = java.nio.file.Files.readAllBytes(stdin);
                    Thread.sleep(1000);
                    for (int i = 0; i < data.length; i += 188 * 70) {
                        out.write(data, i, Math.min(188 * 70, data.length - i));
                        out.flush();
                        Thread.sleep(20);
                    }
                } catch (java.io.IOException | InterruptedException ignored) {
                    // the process went away; its exit code tells
                }
            });
        } else {
            process.getOutputStream().close();
        }
        var output = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                process.getInputStream().transferTo(output);
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            reader.join(1000);
            throw new AssertionError("timed out: " + output);
        }
        reader.join(1000);
        return new Run(process.exitValue(), output.toString());
    }

    static Run ffmpegPush(String url) throws Exception {
        return run(List.of(RequiredTool.path("ffmpeg"), "-hide_banner", "-loglevel", "info", "-re", "-i", sample.toString(),
                "-c", "copy", "-f", "mpegts", url), null);
    }

    static void assertPlayed(HubRecorder.Recording recording) throws InterruptedException {
        assertTrue(recording.awaitUnpublished(15), "unpublished after the caller left");
        TrackInfo video = recording.lastTrack(Codec.H264);
        TrackInfo audio = recording.lastTrack(Codec.AAC);
        assertEquals(640, video.width());
        assertEquals(360, video.height());
        assertEquals(48_000, audio.sampleRate());
        List<AccessUnit> frames = recording.unitsOf(video);
        assertTrue(frames.size() >= 70 && frames.size() <= 75, "video frames: " + frames.size());
        assertTrue(frames.getFirst().keyFrame());
        assertMonotonic(frames);
        assertMonotonic(recording.unitsOf(audio));
    }

    static void assertMonotonic(List<AccessUnit> units) {
        for (int i = 1; i < units.size(); i++) {
            assertTrue(units.get(i).dts() >= units.get(i - 1).dts(), "dts went back at " + i);
        }
    }

    @Test
    void ffmpegPublishesWithBareKey() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null)) {
            Run run = ffmpegPush(server.url(SrtTestServer.LIVE_KEY));
            assertEquals(0, run.exit(), run.log());
            assertPlayed(server.recorder.await("live", 5));
        }
    }

    @Test
    void srtLiveTransmitPublishesFromStdin() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null)) {
            String url = "srt://127.0.0.1:" + server.port + "?streamid=live/"
                    + SrtTestServer.SECOND_KEY + "&latency=200";
            Run run = run(List.of(RequiredTool.path("srt-live-transmit"), "-a:no", "-c:1316", "-t:6", "-v", "file://con", url), sample);
            // srt-live-transmit reads the file at full speed; TSBPD paces nothing on the sending side.
            // It keeps polling stdin after EOF, so the -t:6 timer ends it, with exit code 0 (also
            // when it never connected: its log tells that apart).
            assertEquals(0, run.exit(), run.log());
            assertTrue(run.log().contains("SRT target connected"), "srt-live-transmit connected:\n" + run.log());
            HubRecorder.Recording recording = server.recorder.await("second", 5);
            assertTrue(recording.awaitUnpublished(15));
            // All but the last frame: at the end no later PES proves it whole, so it is dropped.
            assertEquals(74, recording.unitsOf(recording.lastTrack(Codec.H264)).size());
        }
    }

    @Test
    void wrongKeyIsRejectedDuringTheHandshake() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null)) {
            Run run = ffmpegPush(server.url("not-a-key"));
            assertTrue(run.exit() != 0);
            assertTrue(run.log().toLowerCase().contains("reject"), run.log());
            assertTrue(server.recorder.streams.isEmpty());
        }
    }

    @Test
    void missingStreamIdIsRejected() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null)) {
            Run run = ffmpegPush("srt://127.0.0.1:" + server.port);
            assertTrue(run.exit() != 0);
            assertTrue(run.log().toLowerCase().contains("reject"), run.log());
        }
    }

    @Test
    void encryptedPublishAndWrongPassphrase() throws Exception {
        try (SrtTestServer server = new SrtTestServer(SrtTestServer.PASSPHRASE)) {
            String passphrase = SrtTestServer.PASSPHRASE;
            Run wrong = ffmpegPush(server.url(SrtTestServer.LIVE_KEY) + "&passphrase=wrong-passphrase");
            assertTrue(wrong.exit() != 0);
            assertTrue(wrong.log().toLowerCase().contains("reject"), wrong.log());
            Run none = ffmpegPush(server.url(SrtTestServer.LIVE_KEY));
            assertTrue(none.exit() != 0, none.log());

            // A key refresh every 40 packets: the sender rotates even/odd keys several times.
            Run right = ffmpegPush(server.url(SrtTestServer.LIVE_KEY) + "&passphrase=" + passphrase
                    + "&pbkeylen=32&kmrefreshrate=40&kmpreannounce=10");
            assertEquals(0, right.exit(), right.log());
            assertPlayed(server.recorder.await("live", 5));
        }
    }

    @Test
    void twoPublishersOnOnePortAndAConflict() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null);
             ExecutorService publishers = Executors.newVirtualThreadPerTaskExecutor()) {
            // Futures, not bare threads: whatever a publisher throws (a timeout, a failed start)
            // comes back through get() and fails the test instead of dying with its thread.
            List<Future<Run>> runs = new ArrayList<>();
            for (String key : List.of(SrtTestServer.LIVE_KEY, SrtTestServer.SECOND_KEY)) {
                runs.add(publishers.submit(() -> ffmpegPush(server.url(key))));
            }
            HubRecorder.Recording live = server.recorder.await("live", 10);
            assertTrue(live.firstUnit.await(10, TimeUnit.SECONDS), "the first publisher's media arrived");
            Run conflict = ffmpegPush(server.url("live/live?key=" + SrtTestServer.LIVE_KEY));
            assertTrue(conflict.exit() != 0);
            assertTrue(conflict.log().toLowerCase().contains("reject"), conflict.log());
            assertEquals(2, runs.size());
            for (Future<Run> future : runs) {
                Run run = future.get(60, TimeUnit.SECONDS);
                assertEquals(0, run.exit(), run.log());
            }
            assertPlayed(live);
            assertPlayed(server.recorder.await("second", 1));
        }
    }
}
