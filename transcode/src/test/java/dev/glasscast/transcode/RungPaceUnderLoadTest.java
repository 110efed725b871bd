package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live 1080p30 rung, in real time, while an artificial CPU hog takes the cores (six spinning
 * threads a core; the rung's x264 has one): the rung steps its encoder down instead of falling
 * behind for good, and steps back up once the hog is gone. 1080p, not 720p: on 2026-12-07 this
 * machine encoded the synthetic 720p clip within real time even under the hog (no step down
 * in 30 s, every run), so the test could no longer see what it checks.
 * The pace's time constants are shortened (live: 1 s to step down, 20 s of calm and 30 s of
 * settling to step up) so the test takes about half a minute.
 */
class RungPaceUnderLoadTest {

    private static final int FPS = 30;
    private static final RungPace.Timing QUICK = new RungPace.Timing(Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(3));

    @TempDir
    Path dir;

    @Test
    void aRungStepsDownUnderACpuHogAndBackUpAfter() throws Exception {
        SyntheticClip clip = SyntheticClip.make(dir.resolve("1080p.mp4"), 1920, 1080, FPS, 2 * FPS, FPS);
        List<RungConfig> ladder = List.of(
                new RungConfig("1080p", "h264", 0, 1080, 5_000_000, 0, 0, 0, "veryfast", "high", null, 128_000));
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        // One x264 thread: the hog then takes its share of the cores from the encoder for sure.
        TranscodeLimits limits = new TranscodeLimits(60, 8, 200, TranscodeLimits.Overload.DROP, 1, 1, QUICK);
        LadderTranscoder transcoder = new LadderTranscoder(hub,
                () -> new TranscodeSettings(ladder, new AudioConfig("copy", 0), Duration.ofSeconds(1)), limits);
        hub.addListener(transcoder);

        AtomicBoolean hogging = new AtomicBoolean();
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Thread> hog = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Thread publisher = Thread.ofPlatform().name("publisher").start(() -> publishInRealTime(hub, clip, publishing));
        try {
            awaitStatus(transcoder, seen, 30, s -> s.encodedFrames() > 2 * FPS, "the rung encoding");
            hogging.set(true);
            for (int i = 0; i < 6 * Runtime.getRuntime().availableProcessors(); i++) {
                hog.add(Thread.ofPlatform().name("hog-" + i).start(() -> {
                    long spin = 0;
                    while (hogging.get()) {
                        spin += System.nanoTime() % 7;
                    }
                    if (spin == 42) {
                        System.out.print("");
                    }
                }));
            }
            awaitStatus(transcoder, seen, 30, s -> s.stepDowns() > 0, "a step down while the hog runs");
            Thread.sleep(2_000); // the hog stays a little, so the rung may step further down
            hogging.set(false);
            for (Thread thread : hog) {
                thread.join();
            }
            int[] lowest = {0};
            // A step up needs the encoder well within real time at the faster step; how many
            // steps it climbs depends on the machine, so one is what is asked for here.
            awaitStatus(transcoder, seen, 40, s -> {
                int step = ordinal(s);
                lowest[0] = Math.max(lowest[0], step);
                return step < lowest[0];
            }, "a step back up once the hog is gone");
        } finally {
            hogging.set(false);
            publishing.set(false);
            publisher.join();
        }
    }

    private static int ordinal(LadderTranscoder.RungStatus status) {
        for (RungPace.Step step : RungPace.Step.values()) {
            if (step.describe().equals(status.step())) {
                return step.ordinal();
            }
        }
        throw new AssertionError("unknown step " + status.step());
    }

    private interface Condition {
        boolean holds(LadderTranscoder.RungStatus status);
    }

    private static void awaitStatus(LadderTranscoder transcoder, List<String> seen, int seconds, Condition condition,
                                    String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < until) {
            for (LadderTranscoder.RungStatus status : transcoder.status()) {
                String line = status.step() + ", " + status.stepDowns() + " step downs, " + status.encodedFrames() + " encoded, " + status.droppedFrames()
                        + " dropped";
                if (seen.isEmpty() || !seen.getLast().replaceAll("[0-9]+ encoded", "").equals(line.replaceAll("[0-9]+ encoded", ""))) {
                    seen.add(line);
                }
                if (condition.holds(status)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        assertTrue(false, "not within " + seconds + " s: " + what + "; the rung went through " + seen);
    }

    /** The clip over and over, on one timeline, at its own pace, until told to stop. */
    private static void publishInRealTime(StreamHub hub, SyntheticClip clip, AtomicBoolean publishing) {
        List<AccessUnit> video = clip.videoUnits();
        long loop = video.getLast().dts() - video.getFirst().dts() + video.get(1).dts() - video.getFirst().dts();
        long started = System.nanoTime();
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video()));
            for (int round = 0; publishing.get(); round++) {
                for (AccessUnit unit : video) {
                    long dts = unit.dts() + round * loop;
                    long due = started + (dts - video.getFirst().dts()) * 1_000_000_000L / clip.video().timescale();
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (!publishing.get()) {
                        return;
                    }
                    source.send(new AccessUnit(unit.trackId(), dts, unit.pts() + round * loop, unit.duration(),
                            unit.keyFrame(), unit.data()));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
