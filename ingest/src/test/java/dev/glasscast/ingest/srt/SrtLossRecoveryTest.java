package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.RequiredTool;
import dev.glasscast.ingest.mpegts.TsSamples;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loss recovery against a real libsrt sender: 5% random loss both ways, and a stretch of 10%,
 * must still deliver every TS packet at 200 ms latency.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SrtLossRecoveryTest {

    @Test
    void recoversEveryPacketThroughALossyRelay(@TempDir Path dir) throws Exception {
        Path sample = TsSamples.encode(dir.resolve("in.ts"), 640, 360, 25, 4);
        try (SrtTestServer server = new SrtTestServer(null);
             // Loss stops a second before the end: ffmpeg closes (linger 0) right after its last
             // packet, so a loss in the tail could never be repaired by any receiver.
             LossyUdpRelay relay = new LossyUdpRelay(server.port,
                     millis -> millis < 2000 ? 5 : millis < 2800 ? 10 : 0)) {
            List<SrtSessionStats> seen = new ArrayList<>();
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    List<SrtSessionStats> sessions = server.listener.sessions();
                    if (!sessions.isEmpty()) {
                        synchronized (seen) {
                            seen.add(sessions.getFirst());
                        }
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            SrtFfmpegInteropTest.Run run = SrtFfmpegInteropTest.run(List.of(RequiredTool.path("ffmpeg"), "-hide_banner",
                    "-loglevel", "warning", "-re", "-i", sample.toString(), "-c", "copy", "-f", "mpegts",
                    "srt://127.0.0.1:" + relay.port() + "?streamid=" + SrtTestServer.LIVE_KEY + "&latency=200000"), null);
            assertEquals(0, run.exit(), run.log());
            HubRecorder.Recording recording = server.recorder.await("live", 1);
            assertTrue(recording.awaitUnpublished(15));
            watcher.interrupt();
            watcher.join();

            List<AccessUnit> frames = recording.unitsOf(recording.lastTrack(Codec.H264));
            // No frame missing between the first and the last. ffmpeg closes its socket with linger
            // 0, so the last ~100 ms it wrote may never be sent at all: allow a short tail.
            for (int i = 1; i < frames.size(); i++) {
                assertEquals(3600, frames.get(i).dts() - frames.get(i - 1).dts(), "gap before frame " + i);
            }
            assertTrue(frames.size() >= 96, "frames: " + frames.size());
            List<AccessUnit> audio = recording.unitsOf(recording.lastTrack(Codec.AAC));
            for (int i = 1; i < audio.size(); i++) {
                assertEquals(1920, audio.get(i).dts() - audio.get(i - 1).dts(), "gap before audio frame " + i);
            }
            // The muxer interleaves audio late, so the unsent tail holds more audio than video.
            assertTrue(audio.size() >= 160, "audio frames: " + audio.size());
            assertTrue(relay.dropped.get() >= 5, "the relay dropped " + relay.dropped.get());
            SrtSessionStats last;
            synchronized (seen) {
                last = seen.getLast();
            }
            assertEquals(0, last.tsContinuityErrors(), last.toString());
            assertTrue(last.packetsLost() > 0, last.toString());
            assertTrue(last.packetsRetransmitted() > 0, last.toString());
        }
    }
}
