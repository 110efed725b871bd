package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.hls.Snapshots;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServedRenditionsTest {

    private static final StreamPath PATH = StreamPath.rendition("cam", "source");

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
        ServedRenditions lookup = new ServedRenditions(holding(window), holding(whole));
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
        assertSame(live, new ServedRenditions(holding(live), holding(segments(0, 10, true))).find(PATH).orElseThrow());
        RenditionSnapshot ended = segments(7, 3, true);
        assertSame(ended, new ServedRenditions(holding(ended), holding(behind)).find(PATH).orElseThrow());
        assertSame(ended, new ServedRenditions(holding(ended), holding()).find(PATH).orElseThrow());
    }

    @Test
    void theRecordingIsServedWhenTheStoreHoldsNothing() {
        RenditionSnapshot whole = segments(0, 10, true);
        assertSame(whole, new ServedRenditions(holding(), holding(whole)).find(PATH).orElseThrow());
    }
}
