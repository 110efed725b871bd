package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RungPlannerTest {

    private static final RungConfig COPY = new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null,
            128_000);
    private static final RungConfig P720 = rung("720p", 720, 2_800_000);
    private static final RungConfig P360 = rung("360p", 360, 800_000);
    private static final List<RungConfig> LADDER = List.of(COPY, P720, P360);

    private static RungConfig rung(String name, int height, long bitrate) {
        return new RungConfig(name, "h264", 0, height, bitrate, 0, 0, 0, "veryfast", "high", null, 128_000);
    }

    @Test
    void aFirstSessionSkipsRungsLargerThanItsSource() {
        List<RungPlanner.Plan> plans = RungPlanner.plan(LADDER, 854, 480, Codec.H264, 0, name -> false);
        assertEquals(List.of(new RungPlanner.Plan(P720, 1282, 720, RungPlanner.Decision.SKIP),
                new RungPlanner.Plan(P360, 642, 360, RungPlanner.Decision.ENCODE)), plans,
                "the copy rung passes H.264 through, so it has no plan");
    }

    @Test
    void aRenditionPlayersAlreadyHoldIsUpscaledRatherThanFrozen() {
        List<RungPlanner.Plan> plans = RungPlanner.plan(LADDER, 854, 480, Codec.H264, 0, Set.of("720p", "360p")::contains);
        assertEquals(RungPlanner.Decision.UPSCALE, plans.getFirst().decision());
        assertEquals(1282, plans.getFirst().width(), "854x480 is a little wider than 16:9");
        assertEquals(720, plans.getFirst().height());
    }

    @Test
    void aCopyRungOfAnHevcSourceIsEncodedToH264AtTheSourceSize() {
        List<RungPlanner.Plan> plans = RungPlanner.plan(List.of(COPY), 1920, 1080, Codec.H265, 3_000_000, name -> false);
        assertEquals(1, plans.size());
        RungPlanner.Plan plan = plans.getFirst();
        assertEquals(RungPlanner.Decision.ENCODE_INSTEAD_OF_COPY, plan.decision());
        assertEquals("source", plan.rung().name(), "the rendition keeps its name");
        assertEquals("h264", plan.rung().codec());
        assertEquals(1920, plan.width());
        assertEquals(1080, plan.height());
        assertEquals(4_500_000, plan.rung().videoBitrate(), "half as many bits again as the HEVC source");
    }

    @Test
    void anEncodedCopyIsCappedAt1080Lines() {
        RungPlanner.Plan plan = RungPlanner.plan(List.of(COPY), 3840, 2160, Codec.H265, 0, name -> false).getFirst();
        assertEquals(1920, plan.width());
        assertEquals(1080, plan.height());
        assertEquals(RungPlanner.bitrateFor(1080), plan.rung().videoBitrate());
    }

    @Test
    void anHevcRenditionPlayersHoldIsEncodedToHevcFromALaterH264Source() {
        List<RungPlanner.Plan> plans = RungPlanner.plan(List.of(COPY), 1280, 720, Codec.H264, 0,
                Set.of("source-hevc")::contains);
        assertEquals(1, plans.size(), "the copy rung itself still passes H.264 through");
        RungPlanner.Plan plan = plans.getFirst();
        assertEquals(RungPlanner.Decision.ENCODE_HEVC_FOR_LISTED, plan.decision());
        assertEquals("source-hevc", plan.rung().name());
        assertEquals("h265", plan.rung().codec());
        assertEquals(1280, plan.width());
        assertEquals(720, plan.height());
    }

    @Test
    void anHevcSourceMakesNoHevcEncodeSinceItPassesThrough() {
        List<RungPlanner.Plan> plans = RungPlanner.plan(List.of(COPY), 1280, 720, Codec.H265, 0,
                Set.of("source-hevc")::contains);
        assertEquals(List.of(RungPlanner.Decision.ENCODE_INSTEAD_OF_COPY), plans.stream().map(RungPlanner.Plan::decision).toList());
    }
}
