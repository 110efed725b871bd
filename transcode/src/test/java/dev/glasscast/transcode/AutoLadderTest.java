package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code ladder: auto} makes of typical sources on a fast and on a slow machine. */
class AutoLadderTest {

    private static final RungConfig AUTO = new RungConfig("auto", "auto", 0, 0, 0, 0, 0, 0, "veryfast", "high", null,
            128_000);
    /** Pixels per second all cores encode: a desktop, and a small 2-core VM (this one does about 110e6). */
    private static final double FAST = 200e6;
    private static final double SLOW = 40e6;

    private static List<String> names(AutoLadder.Choice choice) {
        return choice.rungs().stream().map(RungConfig::name).toList();
    }

    private static AutoLadder.Choice choose(int width, int height, double fps, Codec codec, double speed) {
        return AutoLadder.choose(AUTO, width, height, fps, codec, speed, name -> false);
    }

    @Test
    void a1080pSourceOnAFastMachineGetsTheUsualLadderBelowItsPassthrough() {
        AutoLadder.Choice choice = choose(1920, 1080, 30, Codec.H264, FAST);
        assertEquals(List.of("720p", "480p", "360p"), names(choice), String.join("\n", choice.reasons()));
        RungConfig p720 = choice.rungs().getFirst();
        assertEquals(2_800_000, p720.videoBitrate());
        assertEquals("veryfast", p720.preset(), "the auto rung's preset");
        assertEquals(128_000, p720.audioBitrate());
    }

    @Test
    void a1080pSourceOnASlowMachineKeepsTheWeakNetworkRungAndWhatFits() {
        AutoLadder.Choice choice = choose(1920, 1080, 30, Codec.H264, SLOW);
        assertEquals(List.of("480p", "360p"), names(choice), String.join("\n", choice.reasons()));
        assertTrue(choice.reasons().stream().anyMatch(r -> r.startsWith("720p: left out")), choice.reasons().toString());
    }

    @Test
    void a720pSourceGetsTheRungsBelowIt() {
        assertEquals(List.of("480p", "360p"), names(choose(1280, 720, 30, Codec.H264, FAST)));
    }

    @Test
    void a480pSourceGetsOnlyTheWeakNetworkRung() {
        AutoLadder.Choice choice = choose(854, 480, 30, Codec.H264, FAST);
        assertEquals(List.of("360p"), names(choice));
        assertTrue(choice.reasons().contains("240p: below the weak-network rung; not needed"), choice.reasons().toString());
    }

    @Test
    void a60FpsSourceCostsTwiceAsMuch() {
        assertEquals(List.of("720p", "480p", "360p"), names(choose(1920, 1080, 30, Codec.H264, 100e6)));
        assertEquals(List.of("480p", "360p"), names(choose(1920, 1080, 60, Codec.H264, 100e6)));
    }

    @Test
    void anHevcSourcePaysForItsH264CopyFirst() {
        AutoLadder.Choice fast = choose(1920, 1080, 30, Codec.H265, FAST);
        assertEquals(List.of("720p", "360p"), names(fast), "480p no longer fits: " + fast.reasons());
        assertTrue(fast.reasons().getFirst().startsWith("the H265 source is encoded to H.264"), fast.reasons().toString());
        AutoLadder.Choice slow = choose(1920, 1080, 30, Codec.H265, SLOW);
        assertEquals(List.of("360p"), names(slow), "the weak-network rung is made even when nothing else fits");
    }

    @Test
    void rungsPlayersHoldAreKeptForASmallerSource() {
        AutoLadder.Choice choice = AutoLadder.choose(AUTO, 854, 480, 30, Codec.H264, FAST, Set.of("720p", "360p")::contains);
        assertEquals(List.of("720p", "360p"), names(choice), "RungPlanner then upscales 720p");
    }

    @Test
    void everySourceAbove144LinesGetsARungWithinOneMegabit() {
        for (int height : new int[] {180, 240, 360, 720, 1080, 2160}) {
            AutoLadder.Choice choice = choose(height * 16 / 9, height, 30, Codec.H264, 1e6);
            assertTrue(choice.rungs().stream().anyMatch(r -> r.videoBitrate() <= AutoLadder.WEAK_NETWORK_BITRATE),
                    height + "p: " + choice.reasons());
        }
    }
}
