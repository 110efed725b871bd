package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.hls.Snapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServedRenditionsTest {

    private static final StreamPath PATH = StreamPath.rendition("cam", "source");

    /** Long after every snapshot of {@link Snapshots} ended, so no reconnect grace is running. */
    private static final Clock LATER = Clock.fixed(Snapshots.T0.plusSeconds(3600), ZoneOffset.UTC);
    private static final Duration GRACE = Duration.ofSeconds(10);

    private static ServedRenditions served(RenditionLookup live, RenditionLookup recorded) {
        return new ServedRenditions(live, recorded, LATER, GRACE);
    }

    private static RenditionLookup holding(RenditionSnapshot... snapshots) {
        return new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath rendition) {
                return List.of(snapshots).stream().filter(s -> s.path().equals(rendition)).findFirst();
            }

            @Override
            public List<RenditionSnapshot> renditions(String stream) {
                return List.of(snapshots).stream().filter(s -> s.path().stream().equals(stream)).toList();
            }
        };
    }

    private static RenditionSnapshot segments(long first, int count, boolean ended) {
        double[] durations = new double[count];
        int[] sizes = new int[count];
        java.util.Arrays.fill(durations, 2);
        java.util.Arrays.fill(sizes, 100);
        return Snapshots.rendition("source", Snapshots.VIDEO_720, first, durations, sizes, ended);
    }

    @Test
    void anEndedRenditionIsServedFromItsWholeRecordingOnceItCoversTheWindow() {
        RenditionSnapshot window = segments(7, 3, true); // 7..9 held in the store
        RenditionSnapshot whole = segments(0, 10, true); // 0..9 recorded
        ServedRenditions lookup = served(holding(window), holding(whole));
        RenditionSnapshot served = lookup.find(PATH).orElseThrow();
        assertEquals(10, served.segments().size());
        assertEquals(window.updatedAt(), served.updatedAt(), "the end is the store's (reconnect grace)");
        assertTrue(served.ended());
        assertEquals(10, lookup.renditions("cam").getFirst().segments().size());
    }

    @Test
    void theStoreIsServedWhileLiveOrWhileTheRecordingLagsBehind() {
        RenditionSnapshot live = segments(7, 3, false);
        RenditionSnapshot behind = segments(0, 9, true); // the recorder has not written 9 yet
        assertSame(live, served(holding(live), holding(segments(0, 10, true))).find(PATH).orElseThrow());
        RenditionSnapshot ended = segments(7, 3, true);
        assertSame(ended, served(holding(ended), holding(behind)).find(PATH).orElseThrow());
        assertSame(ended, served(holding(ended), holding()).find(PATH).orElseThrow());
    }

    @Test
    void theRecordingIsServedWhenTheStoreHoldsNothing() {
        RenditionSnapshot whole = segments(0, 10, true);
        assertSame(whole, served(holding(), holding(whole)).find(PATH).orElseThrow());
    }

    /**
     * Within the reconnect grace the store is served, not the recording: a recorded segment is one
     * part, so the recording would answer the parts after the first with 404 and cut short a
     * low-latency DASH segment being streamed when the publisher left.
     */
    @Test
    void theStoreIsServedUntilTheReconnectGraceIsOver() {
        RenditionSnapshot ended = segments(7, 3, true); // ended at T0 + 60 s
        RenditionSnapshot whole = segments(0, 10, true);
        Clock withinGrace = Clock.fixed(ended.updatedAt().plusSeconds(5), ZoneOffset.UTC);
        Clock graceOver = Clock.fixed(ended.updatedAt().plus(GRACE), ZoneOffset.UTC);
        assertSame(ended, new ServedRenditions(holding(ended), holding(whole), withinGrace, GRACE).find(PATH).orElseThrow());
        assertEquals(10, new ServedRenditions(holding(ended), holding(whole), graceOver, GRACE).find(PATH).orElseThrow()
                .segments().size());
    }
}
