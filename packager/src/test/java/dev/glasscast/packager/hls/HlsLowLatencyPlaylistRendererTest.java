package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Low-Latency HLS view of {@link HlsMediaPlaylistRenderer}, as exact text. */
class HlsLowLatencyPlaylistRendererTest {

    private final HlsMediaPlaylistRenderer renderer = new HlsMediaPlaylistRenderer(2, Duration.ofMillis(500));

    /** Three 2 s segments of two 1 s parts (numbered from 100), and one open part of segment 103. */
    private static RenditionSnapshot live() {
        RenditionSnapshot closed = Snapshots.rendition("source", Snapshots.VIDEO_720, 100,
                new double[] {2, 2, 2}, new int[] {10, 10, 10}, false);
        SegmentPart open = new SegmentPart(540_000, 45_000, true, Snapshots.bytes(5, 1));
        return new RenditionSnapshot(closed.path(), closed.track(), closed.format(), closed.init(), closed.segments(),
                List.of(open), closed.maxSegmentDuration(), false, closed.updatedAt(), 103,
                List.of(new InitSegment(100, closed.init(), closed.track())));
    }

    @Test
    void liveViewListsPartsHintAndReports() {
        RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 200,
                new double[] {2}, new int[] {10}, false);
        // Parts of 1 s against a 1 s target (with 0.5 s, they would count as overlong and not be listed).
        String playlist = new HlsMediaPlaylistRenderer(2, Duration.ofSeconds(1)).render(live(),
                new HlsMediaPlaylistRenderer.View(false, false, false, List.of(audio), "index.m3u8")).orElseThrow();
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:9
                #EXT-X-TARGETDURATION:2
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.000,HOLD-BACK=6.0
                #EXT-X-PART-INF:PART-TARGET=1.000
                #EXT-X-MEDIA-SEQUENCE:100
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init100.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:00.250Z
                #EXTINF:2.000,
                seg100.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:02.250Z
                #EXT-X-PART:DURATION=1.000,URI="part101.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=1.000,URI="part101.1.m4s"
                #EXTINF:2.000,
                seg101.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:04.250Z
                #EXT-X-PART:DURATION=1.000,URI="part102.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=1.000,URI="part102.1.m4s"
                #EXTINF:2.000,
                seg102.m4s
                #EXT-X-PART:DURATION=0.500,URI="part103.0.m4s",INDEPENDENT=YES
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part103.1.m4s"
                #EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=200,LAST-PART=1
                """, playlist);
    }

    @Test
    void aLongPartNoLongerListedNoLongerRaisesThePartTarget() {
        // The first segment's 2 s parts (a transcoder that stalled while starting) are still held
        // for the DVR window but no longer listed with parts: the hold-back is back to 3 x 0.5 s.
        RenditionSnapshot afterHiccup = Snapshots.rendition("source", Snapshots.VIDEO_720, 0,
                new double[] {4, 1, 1, 1}, new int[] {10, 10, 10, 10}, false);
        String playlist = renderer.render(afterHiccup,
                new HlsMediaPlaylistRenderer.View(true, false, false, List.of(), "dvr.m3u8")).orElseThrow();
        assertTrue(playlist.contains("PART-HOLD-BACK=1.500,HOLD-BACK=12.0\n#EXT-X-PART-INF:PART-TARGET=0.500\n"), playlist);
        assertTrue(playlist.contains("#EXT-X-PART:DURATION=0.500,URI=\"part3.1.m4s\"\n"), playlist);

        // A closed segment with a long part is listed without its parts, so the long part
        // neither raises PART-TARGET nor makes the regular parts shorter than 85 % of it.
        RenditionSnapshot during = Snapshots.rendition("source", Snapshots.VIDEO_720, 0,
                new double[] {1, 4, 1}, new int[] {10, 10, 10}, false);
        String listed = renderer.render(during,
                new HlsMediaPlaylistRenderer.View(true, false, false, List.of(), "dvr.m3u8")).orElseThrow();
        assertTrue(listed.contains("PART-HOLD-BACK=1.500,HOLD-BACK=12.0\n#EXT-X-PART-INF:PART-TARGET=0.500\n"), listed);
        assertTrue(!listed.contains("part1.") && listed.contains("seg1.m4s") && listed.contains("part2.0.m4s"), listed);
    }

    @Test
    void deltaUpdatesAreAdvertisedOnlyOnceTheyLeaveSomethingOut() {
        // 6 s held: every segment ends within CAN-SKIP-UNTIL (12 s) of the end, so a delta
        // update would be the whole playlist; live() above advertises none.
        String young = renderer.render(live(),
                new HlsMediaPlaylistRenderer.View(false, true, false, List.of(), "index.m3u8")).orElseThrow();
        assertTrue(!young.contains("CAN-SKIP-UNTIL") && !young.contains("EXT-X-SKIP"), young);

        // 30 s held: the live window is 12 segments (24 s) even though playlistSegments is 2,
        // and a delta update leaves out the 6 that end at least 12 s before its end.
        double[] durations = new double[15];
        int[] sizes = new int[15];
        java.util.Arrays.fill(durations, 2);
        java.util.Arrays.fill(sizes, 10);
        RenditionSnapshot grown = Snapshots.rendition("source", Snapshots.VIDEO_720, 0, durations, sizes, false);
        String full = renderer.render(grown,
                new HlsMediaPlaylistRenderer.View(false, false, false, List.of(), "index.m3u8")).orElseThrow();
        assertTrue(full.contains("CAN-SKIP-UNTIL=12.0,") && full.contains("#EXT-X-MEDIA-SEQUENCE:3\n"), full);
        String delta = renderer.render(grown,
                new HlsMediaPlaylistRenderer.View(false, true, false, List.of(), "index.m3u8")).orElseThrow();
        assertTrue(delta.contains("#EXT-X-MEDIA-SEQUENCE:3\n"), delta);
        assertTrue(delta.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n"), delta);
        String kept = delta.substring(delta.indexOf("#EXT-X-SKIP"));
        kept = kept.substring(kept.indexOf('\n') + 1);
        assertTrue(full.endsWith(kept), "after EXT-X-SKIP, a delta update is the tail of the full playlist:\n" + delta);
        assertTrue(full.contains("seg8.m4s") && !kept.contains("seg8.m4s") && kept.contains("seg9.m4s\n"), kept);
    }

    @Test
    void deltaUpdateSkipsSegmentsOlderThanSixTargetDurations() {
        RenditionSnapshot long_ = Snapshots.rendition("source", Snapshots.VIDEO_720, 0,
                new double[] {2, 2, 2, 2, 2, 2, 2, 2}, new int[] {10, 10, 10, 10, 10, 10, 10, 10}, false);
        String playlist = renderer.render(long_,
                new HlsMediaPlaylistRenderer.View(true, true, false, List.of(), "dvr.m3u8")).orElseThrow();
        // 16 s listed, skip boundary 12 s before the end: segments 0 and 1 end at or before it.
        assertTrue(playlist.contains("#EXT-X-MEDIA-SEQUENCE:0\n"), playlist);
        assertTrue(playlist.contains("#EXT-X-MAP:URI=\"init0.mp4\"\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n"
                + "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:04.250Z\n"), playlist);
        assertTrue(!playlist.contains("seg1.m4s") && playlist.contains("seg2.m4s"), playlist);
    }

    @Test
    void theSegmentBeingWrittenAfterABreakCarriesItsDiscontinuityBeforeItsFirstPart() {
        RenditionSnapshot plain = live();
        RenditionSnapshot afterBreak = new RenditionSnapshot(plain.path(), plain.track(), plain.format(), plain.init(),
                plain.segments(), plain.openParts(), plain.maxSegmentDuration(), false, plain.updatedAt(), 103,
                plain.inits(), true);
        String playlist = renderer.render(afterBreak,
                new HlsMediaPlaylistRenderer.View(false, false, false, List.of(), "index.m3u8")).orElseThrow();
        assertTrue(playlist.endsWith("""
                seg102.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-PART:DURATION=0.500,URI="part103.0.m4s",INDEPENDENT=YES
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part103.1.m4s"
                """), playlist);

        RenditionSnapshot noPartYet = new RenditionSnapshot(plain.path(), plain.track(), plain.format(), plain.init(),
                plain.segments(), List.of(), plain.maxSegmentDuration(), false, plain.updatedAt(), 103,
                plain.inits(), true);
        String before = renderer.render(noPartYet,
                new HlsMediaPlaylistRenderer.View(false, false, false, List.of(), "index.m3u8")).orElseThrow();
        assertTrue(!before.contains("#EXT-X-DISCONTINUITY"), "no tag without a part to carry it:\n" + before);
    }

    @Test
    void republishedSegmentsGetADiscontinuityAndTheirOwnInit() {
        RenditionSnapshot plain = live();
        List<MediaSegment> segments = new ArrayList<>(plain.segments());
        MediaSegment last = segments.removeLast();
        segments.add(new MediaSegment(last.sequence(), 1, true, 0, last.duration(), last.timescale(),
                last.programDateTime(), last.parts(), last.createdAt()));
        RenditionSnapshot republished = new RenditionSnapshot(plain.path(), plain.track(), plain.format(),
                plain.init(), segments, List.of(), plain.maxSegmentDuration(), true, plain.updatedAt(), 103,
                List.of(new InitSegment(100, Snapshots.bytes(3, 3), plain.track()), new InitSegment(102, plain.init(), plain.track())));
        String playlist = renderer.render(republished,
                new HlsMediaPlaylistRenderer.View(false, false, true, List.of(), "index.m3u8")).orElseThrow();
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:9
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:101
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init100.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:02.250Z
                #EXTINF:2.000,
                seg101.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init102.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:04.250Z
                #EXTINF:2.000,
                seg102.m4s
                #EXT-X-ENDLIST
                """, playlist);
    }
}
