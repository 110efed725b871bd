package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher leaves and comes back (in real time, as an encoder does); afterwards a stream's
 * renditions (the copied video, a transcoded rung, the copied audio) present the new session's
 * media with one offset between them, as they did the first session's. hls.js takes its offset at
 * a discontinuity from one rendition and applies it to the others, so renditions that resumed
 * each on its own left it holes and overlaps of tens of milliseconds (a 0.14 s audio hole stalled
 * a viewer 1.7 s; RELIABILITY.md, section 6).
 */
class RenditionsInStepTest {

    private static final int FPS = 30;
    /** Half an AAC frame: audio lands on its slate's frame edges. */
    private static final double AUDIO_TOLERANCE = 512.0 / SyntheticClip.SAMPLE_RATE + 0.001;
    private static final double VIDEO_TOLERANCE = 0.001;

    @TempDir
    static Path dir;
    static SyntheticClip clip;

    @BeforeAll
    static void encodeTheSource() throws Exception {
        clip = SyntheticClip.make(dir.resolve("source.mp4"), 320, 240, FPS, 2 * FPS, FPS);
    }

    @Test
    void afterABreakEveryRenditionPresentsTheNewSessionWithTheSameOffset() throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        List<RungConfig> ladder = List.of(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000),
                new RungConfig("120p", "h264", 0, 120, 300_000, 0, 0, 0, "ultrafast", "main", null, 128_000));
        SlateConfig slate = new SlateConfig(true, "#203040", null, "Back soon", Duration.ofSeconds(3));
        TranscodeSettings settings = new TranscodeSettings(ladder, new AudioConfig("copy", 128_000), Duration.ofSeconds(1), slate);
        hub.addListener(new LadderTranscoder(hub, () -> settings, TranscodeLimits.defaults()));

        // Cut off mid-GOP, as a lost connection is.
        publishInRealTime(hub, 1.6, 0);
        renditions.awaitUnitsAfterDiscontinuity("source", SlateMedia.SLATE_FPS, 30);
        renditions.awaitUnitsAfterDiscontinuity("120p", SlateMedia.SLATE_FPS, 30);
        renditions.awaitUnitsAfterDiscontinuity("audio", SyntheticClip.SAMPLE_RATE / 1024, 30);
        // Back with the sound arriving later against the picture than before, as muxers interleave.
        publishInRealTime(hub, Double.MAX_VALUE, 150_000_000L);
        renditions.awaitEnded(Set.of("source", "120p", "audio"), 60);

        Map<String, double[]> offsets = new LinkedHashMap<>();
        offsets.put("source", offsets(renditions.renditions.get("source"), clip.videoUnits().getFirst(), clip.video()));
        offsets.put("120p", offsets(renditions.renditions.get("120p"), clip.videoUnits().getFirst(), clip.video()));
        offsets.put("audio", offsets(renditions.renditions.get("audio"), clip.audioUnits().getFirst(), clip.audio()));
        StringBuilder report = new StringBuilder();
        offsets.forEach((name, pair) -> report.append(String.format(" %s %.4f s then %.4f s;", name, pair[0], pair[1])));
        System.out.println("[in step] offsets against the publisher, first session then second:" + report);

        for (Map.Entry<String, double[]> entry : offsets.entrySet()) {
            assertEquals(0, entry.getValue()[0], VIDEO_TOLERANCE, entry.getKey() + ": the first session as published:" + report);
        }
        double video = offsets.get("source")[1];
        assertTrue(video > 2.5, "the second session lands after the first (1.6 s) and the slate (over 1 s):" + report);
        assertEquals(video, offsets.get("120p")[1], VIDEO_TOLERANCE, "the transcoded rung in step with the copy:" + report);
        assertEquals(video, offsets.get("audio")[1], AUDIO_TOLERANCE, "the audio in step with the video:" + report);
    }

    /**
     * Two renditions of one stream, the second's first pictures 1.2 s after the first's (an
     * encoder started at the break, as when an HEVC publisher takes over and the copy rung must
     * be encoded; it then works off its backlog at once and keeps pace): its slate is past the
     * shared landing point of its first key frame, so it waits on the slate and lands its next
     * key frame in step, rather than put its picture 0.7 s after its sound for the whole session.
     */
    @Test
    void aRenditionWhosePicturesComeLateWaitsOnTheSlateForAKeyFrameThatLandsInStep() throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        StretchOffset stretch = new StretchOffset();
        ContinuousRendition early = new ContinuousRendition(hub.publish(StreamPath.rendition("live", "early")), null, stretch);
        ContinuousRendition late = new ContinuousRendition(hub.publish(StreamPath.rendition("live", "late")), null, stretch);
        List<ContinuousRendition> both = List.of(early, late);
        List<AccessUnit> video = clip.videoUnits();
        long now = SECOND;
        for (ContinuousRendition rendition : both) {
            rendition.beginSession(1);
            rendition.tracks(1, List.of(clip.video()));
            sendInRealTime(rendition, 1, video, now, now);
            rendition.prepare(SlateConfig.DEFAULT, SlateMedia.SLATE_FPS);
            assertTrue(rendition.startSlate(), "the slate starts");
        }
        now += 3 * SECOND;
        stretch.newStretch();
        for (ContinuousRendition rendition : both) {
            rendition.fillSlate(now);
            rendition.beginSession(2);
            rendition.tracks(2, List.of(clip.video()));
        }
        sendInRealTime(early, 2, video, now, now);
        sendInRealTime(late, 2, video, now, now + 6 * SECOND / 5);
        early.end();
        late.end();
        renditions.awaitEnded(Set.of("early", "late"), 30);

        int secondKeyFrame = 1;
        while (!video.get(secondKeyFrame).keyFrame()) {
            secondKeyFrame++;
        }
        RenditionCollector.Rendition earlyOut = renditions.renditions.get("early");
        RenditionCollector.Rendition lateOut = renditions.renditions.get("late");
        AccessUnit earlyFirst = earlyOut.units.get(earlyOut.unitsAtDiscontinuity.get(1));
        AccessUnit lateFirst = lateOut.units.get(lateOut.unitsAtDiscontinuity.get(1));
        assertEquals(video.size(), earlyOut.units.size() - earlyOut.unitsAtDiscontinuity.get(1),
                "the early rendition lands the whole second session");
        assertEquals(video.size() - secondKeyFrame, lateOut.units.size() - lateOut.unitsAtDiscontinuity.get(1),
                "the late rendition lands from the second key frame");
        assertEquals(earlyFirst.pts() - video.getFirst().pts(), lateFirst.pts() - video.get(secondKeyFrame).pts(),
                "both in step");
    }

    private static final long SECOND = 1_000_000_000L;

    /**
     * Sends {@code units} one frame apart from {@code startNanos}, none before {@code readyNanos}
     * (an encoder's start: what it has by then goes out at once), the slate filled before each as
     * the keeper does.
     */
    private static void sendInRealTime(ContinuousRendition rendition, int session, List<AccessUnit> units, long startNanos,
                                       long readyNanos) {
        for (int i = 0; i < units.size(); i++) {
            long now = Math.max(readyNanos, startNanos + i * SECOND / FPS);
            rendition.fillSlate(now);
            rendition.send(session, units.get(i), now);
        }
    }

    /**
     * The rendition's offset against the publisher, in seconds, in the first session and in the
     * second: where it presents the session's first unit ({@code first}, of track {@code from}).
     * The first session's first unit is the rendition's first; the second's follows the second
     * discontinuity (into the slate, out of it).
     */
    private static double[] offsets(RenditionCollector.Rendition rendition, AccessUnit first, TrackInfo from) {
        assertTrue(rendition.unitsAtDiscontinuity.size() >= 2,
                "into the slate and out of it: discontinuities at " + rendition.unitsAtDiscontinuity);
        TrackInfo to = rendition.track();
        AccessUnit firstLive = rendition.units.getFirst();
        AccessUnit secondLive = rendition.units.get(rendition.unitsAtDiscontinuity.get(1));
        return new double[] {seconds(firstLive.pts(), to) - seconds(first.pts(), from),
                seconds(secondLive.pts(), to) - seconds(first.pts(), from)};
    }

    private static double seconds(long ticks, TrackInfo track) {
        return ticks / (double) track.timescale();
    }

    /** When to send {@code unit}, in nanoseconds from the first. */
    private static long due(AccessUnit unit, double firstDts, long audioLateNanos) {
        long due = Math.round((seconds(unit.dts(), trackOf(unit)) - firstDts) * 1e9);
        return unit.trackId() == SyntheticClip.AUDIO_TRACK ? due + audioLateNanos : due;
    }

    private static TrackInfo trackOf(AccessUnit unit) {
        return unit.trackId() == SyntheticClip.VIDEO_TRACK ? clip.video() : clip.audio();
    }

    /**
     * The clip's units that decode before {@code untilSeconds}, each sent when its decode time
     * comes, as an encoder sends, the audio {@code audioLateNanos} later still.
     */
    private static void publishInRealTime(StreamHub hub, double untilSeconds, long audioLateNanos) throws Exception {
        long start = System.nanoTime();
        double firstDts = seconds(clip.units().getFirst().dts(), trackOf(clip.units().getFirst()));
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            List<AccessUnit> units = clip.units().stream()
                    .filter(unit -> seconds(unit.dts(), trackOf(unit)) - firstDts < untilSeconds)
                    .sorted(java.util.Comparator.comparingLong(unit -> due(unit, firstDts, audioLateNanos)))
                    .toList();
            for (AccessUnit unit : units) {
                long due = start + due(unit, firstDts, audioLateNanos);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                source.send(unit);
            }
        }
    }
}
