package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsMediaPlaylistRendererTest {

    @Test
    void listsTheNewestSegmentsWithTheirProgramDateTimes() {
        RenditionSnapshot rendition = Snapshots.rendition("source", Snapshots.VIDEO_720, 7,
                new double[] {2, 2.4, 1.9999}, new int[] {1000, 1000, 1000}, false);
        String expected = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:8
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init7.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:02.250Z
                #EXTINF:2.400,
                seg8.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:04.650Z
                #EXTINF:2.000,
                seg9.m4s
                """;
        assertEquals(expected, new HlsMediaPlaylistRenderer(2).render(rendition).orElseThrow());
    }

    @Test
    void endedRenditionGetsEndList() {
        RenditionSnapshot rendition = Snapshots.rendition("audio", Snapshots.AUDIO, 0,
                new double[] {2.005333, 1.984}, new int[] {500, 500}, true);
        String expected = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init0.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:00.250Z
                #EXTINF:2.005,
                seg0.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:02.255Z
                #EXTINF:1.984,
                seg1.m4s
                #EXT-X-ENDLIST
                """;
        assertEquals(expected, new HlsMediaPlaylistRenderer(6).render(rendition).orElseThrow());
    }

    @Test
    void marksDiscontinuitiesAndCountsThoseThatSlidOut() {
        RenditionSnapshot plain = Snapshots.rendition("source", Snapshots.VIDEO_720, 0,
                new double[] {2, 2, 2}, new int[] {10, 10, 10}, false);
        List<MediaSegment> segments = new ArrayList<>();
        segments.add(withDiscontinuity(plain.segments().get(0), 3, true));
        segments.add(withDiscontinuity(plain.segments().get(1), 3, false));
        segments.add(withDiscontinuity(plain.segments().get(2), 4, true));
        RenditionSnapshot rendition = new RenditionSnapshot(plain.path(), plain.track(), plain.format(), plain.init(),
                segments, List.of(), plain.maxSegmentDuration(), false, plain.updatedAt());
        String playlist = new HlsMediaPlaylistRenderer(6).render(rendition).orElseThrow();
        assertTrue(playlist.contains("#EXT-X-DISCONTINUITY-SEQUENCE:3\n"), playlist);
        assertEquals(1, playlist.split("#EXT-X-DISCONTINUITY\n", -1).length - 1, playlist);
        assertTrue(playlist.contains("seg1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME"), playlist);
    }

    private static MediaSegment withDiscontinuity(MediaSegment s, long discontinuitySequence, boolean discontinuity) {
        return new MediaSegment(s.sequence(), discontinuitySequence, discontinuity, s.startTime(), s.duration(),
                s.timescale(), s.programDateTime(), s.parts(), s.createdAt());
    }

    @Test
    void nothingToListYet() {
        assertTrue(new HlsMediaPlaylistRenderer(6).render(Snapshots.empty("source", Snapshots.VIDEO_720)).isEmpty());
    }

    @Test
    void targetDurationIsTheLongestSegmentRoundedToTheNearestSecond() {
        assertEquals(2,
                Snapshots.rendition("a", Snapshots.AUDIO, 0, new double[] {2.49}, new int[] {2}, false).targetDurationSeconds());
        assertEquals(3,
                Snapshots.rendition("a", Snapshots.AUDIO, 0, new double[] {2.5}, new int[] {2}, false).targetDurationSeconds());
        assertEquals(1,
                Snapshots.rendition("a", Snapshots.AUDIO, 0, new double[] {0.2}, new int[] {2}, false).targetDurationSeconds());
    }

    @Test
    void secondsHaveThreeDecimals() {
        assertEquals("2.000", HlsMediaPlaylistRenderer.seconds(180_000, 90_000));
        assertEquals("0.033", HlsMediaPlaylistRenderer.seconds(3003, 90_000));
        assertEquals("2.005", HlsMediaPlaylistRenderer.seconds(96_256, 48_000));
        assertEquals("10.000", HlsMediaPlaylistRenderer.seconds(899_999, 90_000));
    }
}
