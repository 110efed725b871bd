package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The picture a rendition presents has no hole where its sources change, whatever delay each
 * source presents with: OBS's x264 sends two B-frames, so its key frame presents two frames
 * after it decodes; the slate and GlassCast's own rungs present at once. (Landing a stretch by
 * its decode time left that delay as a hole, which Chromium plays over on the audio alone with
 * the picture frozen for up to 3 s.) Decode times run on throughout, never overlapping.
 */
class ContinuousRenditionTest {

    private static final int FPS = 30;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    static Path dir;
    static SyntheticClip clip;

    @BeforeAll
    static void encodeTheSource() throws Exception {
        clip = SyntheticClip.make(dir.resolve("source.mp4"), 320, 240, FPS, FPS, FPS);
    }

    @Test
    void anEncoderBackAfterTheSlatePresentsWithoutAHole() throws Exception {
        RenditionCollector.Rendition rendition = across(0, Break.SLATE, 0);
        assertSeamless(rendition);
        List<AccessUnit> slate = rendition.units.subList(rendition.unitsAtDiscontinuity.get(0),
                rendition.unitsAtDiscontinuity.get(1));
        assertTrue(slate.size() >= SlateMedia.SLATE_FPS, "a second of slate: " + slate.size());
        long sourceDelay = rendition.units.get(rendition.unitsAtDiscontinuity.get(1)).compositionOffset();
        assertTrue(sourceDelay > 0, "x264's B-frames: the key frame presents late: " + sourceDelay);
        assertTrue(slate.stream().allMatch(unit -> unit.compositionOffset() == sourceDelay),
                "the slate presents with the source's delay");
    }

    /**
     * Cut off mid-GOP, after a P-frame whose B-frames never came: the slate covers from the
     * last picture in order, so the only hole is none (the P-frame's own time is the slate's).
     */
    @Test
    void anEncoderCutOffMidGopIsFollowedByTheSlateWithoutAHole() throws Exception {
        assertSeamless(across(0, Break.SLATE, 0, 2));
    }

    @Test
    void anEncoderReconnectingBeforeTheSlatePresentsWithoutAHole() throws Exception {
        assertSeamless(across(0, Break.RECONNECT, 0));
    }

    @Test
    void anEncoderWithAShorterDelayAfterTheSlatePresentsWithoutAHole() throws Exception {
        assertSeamless(across(2, Break.SLATE, 0));
    }

    /** Decode times must not overlap, so here the hole is the extra delay (was: both delays). */
    @Test
    void anEncoderWithALongerDelayAfterTheSlateLeavesAHoleOfNoMoreThanTheExtraDelay() throws Exception {
        RenditionCollector.Rendition rendition = across(0, Break.SLATE, 2);
        assertDecodeTimesRunOn(rendition);
        long hole = largestHole(rendition);
        assertTrue(hole <= frames(2), "a hole of at most the two frames' extra delay: " + hole);
    }

    private enum Break {
        /** The publisher left and the slate stood in before it came back. */
        SLATE,
        /** A new session took over at once. */
        RECONNECT
    }

    /**
     * The clip (x264 with B-frames, so its key frames present after they decode) presented
     * {@code delayBefore} frames later still, then {@code change}, then the clip again
     * {@code delayAfter} frames later: what the rendition sent.
     */
    private static RenditionCollector.Rendition across(int delayBefore, Break change, int delayAfter) throws Exception {
        return across(delayBefore, change, delayAfter, 0);
    }

    /** As above, the first session cut off {@code unitsLost} units before its end. */
    private static RenditionCollector.Rendition across(int delayBefore, Break change, int delayAfter, int unitsLost)
            throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector collector = new RenditionCollector();
        hub.addListener(collector);
        ContinuousRendition rendition = new ContinuousRendition(hub.publish(StreamPath.rendition("live", "source")), null);
        long now = SECOND;
        rendition.beginSession(1);
        rendition.tracks(1, List.of(clip.video()));
        now = sendClip(rendition, 1, delayBefore, now, clip.videoUnits().size() - unitsLost);
        rendition.prepare(SlateConfig.DEFAULT, SlateMedia.SLATE_FPS);
        if (change == Break.SLATE) {
            assertTrue(rendition.startSlate(), "the slate starts");
            now += SECOND;
            rendition.fillSlate(now);
        }
        rendition.beginSession(2);
        rendition.tracks(2, List.of(clip.video()));
        sendClip(rendition, 2, delayAfter, now, clip.videoUnits().size());
        rendition.end();
        RenditionCollector.Rendition sent = collector.renditions.get("source");
        assertTrue(sent.ended.await(30, TimeUnit.SECONDS), "the hub delivers everything sent");
        return sent;
    }

    private static long sendClip(ContinuousRendition rendition, int session, int delayFrames, long now, int units) {
        for (AccessUnit unit : clip.videoUnits().subList(0, units)) {
            long delay = frames(delayFrames);
            rendition.send(session, new AccessUnit(unit.trackId(), unit.dts(), unit.pts() + delay, unit.duration(),
                    unit.keyFrame(), unit.data()), now);
            now += SECOND / FPS;
        }
        return now;
    }

    private static long frames(int count) {
        return (long) count * clip.video().timescale() / FPS;
    }

    private static void assertSeamless(RenditionCollector.Rendition rendition) {
        assertDecodeTimesRunOn(rendition);
        assertEquals(0, largestHole(rendition), "no hole in the picture");
    }

    /** Decode times rise, and at a break the new stretch decodes after the last unit's duration. */
    private static void assertDecodeTimesRunOn(RenditionCollector.Rendition rendition) {
        List<AccessUnit> units = rendition.units;
        for (int i = 1; i < units.size(); i++) {
            AccessUnit previous = units.get(i - 1);
            long earliest = rendition.unitsAtDiscontinuity.contains(i) ? previous.dts() + previous.duration()
                    : previous.dts() + 1;
            assertTrue(units.get(i).dts() >= earliest, "decode time runs on at " + i + ": " + previous + " -> " + units.get(i));
        }
    }

    /**
     * The longest stretch of presentation time no picture covers, each picture lasting until
     * the next decode time, as in a fragment, and the last one before a break (where the
     * packager cuts) or at the end its own duration.
     */
    private static long largestHole(RenditionCollector.Rendition rendition) {
        List<AccessUnit> units = rendition.units;
        long[][] spans = new long[units.size()][];
        for (int i = 0; i < units.size(); i++) {
            AccessUnit unit = units.get(i);
            boolean lastOfStretch = i + 1 == units.size() || rendition.unitsAtDiscontinuity.contains(i + 1);
            long duration = lastOfStretch ? unit.duration() : units.get(i + 1).dts() - unit.dts();
            spans[i] = new long[] {unit.pts(), unit.pts() + duration};
        }
        java.util.Arrays.sort(spans, (a, b) -> Long.compare(a[0], b[0]));
        long hole = 0;
        long end = spans[0][1];
        for (long[] span : spans) {
            hole = Math.max(hole, span[0] - end);
            end = Math.max(end, span[1]);
        }
        return hole;
    }
}
