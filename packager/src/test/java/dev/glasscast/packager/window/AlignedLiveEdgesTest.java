package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.hls.HlsMediaPlaylistRenderer;
import dev.glasscast.packager.hls.Snapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every live video rung listed up to where all of them have media: a passthrough rung cut ahead
 * of a transcoded one is held back to it, in parts and across a segment boundary, never by more
 * than a segment, never for an ended rung, and a blocking reload waiting on the leading rung is
 * answered once the other catches up.
 */
class AlignedLiveEdgesTest {

    /** Segments 100-102 of 2 s (two 1 s parts each), then {@code openParts} parts of 1 s of 103. */
    private static RenditionSnapshot live(String name, TrackInfo track, int closed, int openParts) {
        double[] durations = new double[closed];
        Arrays.fill(durations, 2);
        RenditionSnapshot segments = Snapshots.rendition(name, track, 100, durations, sizes(closed), false);
        int timescale = segments.timescale();
        List<SegmentPart> open = new ArrayList<>();
        for (int i = 0; i < openParts; i++) {
            open.add(new SegmentPart((2L * closed + i) * timescale, timescale, i == 0, Snapshots.bytes(5, i)));
        }
        return new RenditionSnapshot(segments.path(), segments.track(), segments.format(), segments.init(),
                segments.segments(), open, segments.maxSegmentDuration(), false, segments.updatedAt(), 100 + closed,
                List.of(new InitSegment(100, segments.init(), segments.track())));
    }

    private static int[] sizes(int count) {
        int[] sizes = new int[count];
        Arrays.fill(sizes, 10);
        return sizes;
    }

    private static String playlist(RenditionSnapshot rendition) {
        return new HlsMediaPlaylistRenderer(3, Duration.ofSeconds(1)).render(rendition,
                new HlsMediaPlaylistRenderer.View(false, false, false, List.of(), "index.m3u8")).orElseThrow();
    }

    @Test
    void aLeadingRungIsListedOnlyAsFarAsTheRungBehindIt() {
        RenditionSnapshot source = live("source", Snapshots.VIDEO_720, 3, 2);
        RenditionSnapshot rung = live("240p", Snapshots.VIDEO_360, 3, 1);
        RenditionSnapshot audio = live("audio", Snapshots.AUDIO, 3, 2);

        RenditionSnapshot listed = AlignedLiveEdges.heldBack(source, List.of(audio, rung, source));

        assertEquals(103, listed.nextSequence());
        assertEquals(1, listed.openParts().size());
        assertSame(rung, AlignedLiveEdges.heldBack(rung, List.of(audio, rung, source)), "the rung behind is not held");
        String text = playlist(listed);
        assertTrue(text.contains("part103.0.m4s\",INDEPENDENT=YES\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part103.1.m4s\""), text);
    }

    @Test
    void aSegmentTheRungBehindHasNotClosedIsListedAsStillOpen() {
        RenditionSnapshot source = live("source", Snapshots.VIDEO_720, 3, 1);
        RenditionSnapshot rung = live("240p", Snapshots.VIDEO_360, 2, 1);

        RenditionSnapshot listed = AlignedLiveEdges.heldBack(source, List.of(rung, source));

        assertEquals(102, listed.nextSequence());
        assertEquals(2, listed.segments().size());
        assertEquals(List.of(source.segments().getLast().parts().getFirst()), listed.openParts());
        String text = playlist(listed);
        assertFalse(text.contains("seg102.m4s"), text);
        assertTrue(text.contains("URI=\"part102.0.m4s\",INDEPENDENT=YES\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part102.1.m4s\""), text);
    }

    @Test
    void aRungMoreThanASegmentBehindOrEndedHoldsNobodyBack() {
        RenditionSnapshot source = live("source", Snapshots.VIDEO_720, 3, 2);
        RenditionSnapshot wedged = live("240p", Snapshots.VIDEO_360, 2, 0);
        RenditionSnapshot ended = endedCopy(live("480p", Snapshots.VIDEO_360, 3, 0));

        assertSame(source, AlignedLiveEdges.heldBack(source, List.of(wedged, ended, source)));
    }

    @Test
    void aBlockingReloadOfTheLeadingRungIsAnsweredWhenTheRungBehindCatchesUp() throws Exception {
        Map<StreamPath, RenditionSnapshot> now = new ConcurrentHashMap<>();
        RenditionLookup store = lookupOf(now);
        RenditionSnapshot source = live("source", Snapshots.VIDEO_720, 3, 2);
        now.put(source.path(), source);
        now.put(StreamPath.rendition("cam", "240p"), live("240p", Snapshots.VIDEO_360, 3, 1));
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            SnapshotWaiters waiters = new SnapshotWaiters(executor);
            CompletableFuture<Optional<RenditionSnapshot>> secondPart = waiters.await(new AlignedLiveEdges(store),
                    source.path(), s -> s.hasPartOrLater(103, 1), Duration.ofSeconds(10)).toCompletableFuture();
            // The source's own snapshot already holds part 103.1; the 240p does not yet.
            waiters.published(source);
            Thread.sleep(100);
            assertFalse(secondPart.isDone(), "answered before the 240p had the part");

            RenditionSnapshot caughtUp = live("240p", Snapshots.VIDEO_360, 3, 2);
            now.put(caughtUp.path(), caughtUp);
            waiters.published(caughtUp);
            RenditionSnapshot answered = secondPart.get(5, TimeUnit.SECONDS).orElseThrow();
            assertEquals(2, answered.openParts().size());
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * A rung that comes within reach after the leading rung was listed further (it had been more
     * than a segment behind) does not take back what was listed: a playlist update removes
     * nothing but from its start, and a TS segment or part once listed keeps answering.
     */
    @Test
    void whatWasListedStaysListedWhenARungComesWithinReach() {
        Map<StreamPath, RenditionSnapshot> now = new ConcurrentHashMap<>();
        RenditionLookup store = lookupOf(now);
        AlignedLiveEdges aligned = new AlignedLiveEdges(store);
        RenditionSnapshot source = live("source", Snapshots.VIDEO_720, 3, 1); // ends at 7 s
        now.put(source.path(), source);
        now.put(StreamPath.rendition("cam", "240p"), live("240p", Snapshots.VIDEO_360, 2, 0)); // 4 s: out of reach
        assertSame(source, aligned.find(source.path()).orElseThrow());

        now.put(StreamPath.rendition("cam", "240p"), live("240p", Snapshots.VIDEO_360, 2, 2)); // 6 s: within reach
        RenditionSnapshot listed = aligned.find(source.path()).orElseThrow();
        assertEquals(103, listed.nextSequence());
        assertEquals(1, listed.openParts().size(), "part 103.0 was listed and stays listed");
        assertEquals(List.of(source.openParts().getFirst()), aligned.renditions("cam").stream()
                .filter(r -> r.path().equals(source.path())).findFirst().orElseThrow().openParts());

        RenditionSnapshot further = live("source", Snapshots.VIDEO_720, 3, 2); // 8 s
        now.put(further.path(), further);
        assertEquals(1, aligned.find(source.path()).orElseThrow().openParts().size(),
                "held back to what was listed, not further");
    }

    /** The renditions {@code now} holds, as a test changes them. */
    private static RenditionLookup lookupOf(Map<StreamPath, RenditionSnapshot> now) {
        return new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath rendition) {
                return Optional.ofNullable(now.get(rendition));
            }

            @Override
            public List<RenditionSnapshot> renditions(String stream) {
                return now.values().stream().sorted(Comparator.comparing(s -> s.path().rendition())).toList();
            }
        };
    }

    private static RenditionSnapshot endedCopy(RenditionSnapshot r) {
        return new RenditionSnapshot(r.path(), r.track(), r.format(), r.init(), r.segments(), r.openParts(),
                r.maxSegmentDuration(), true, r.updatedAt(), r.nextSequence(), r.inits());
    }
}
