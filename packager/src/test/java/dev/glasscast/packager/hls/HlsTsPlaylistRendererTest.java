package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsTsPlaylistRendererTest {

    private final RenditionSnapshot video = Snapshots.rendition("source", Snapshots.VIDEO_720, 7,
            new double[] {2, 2, 2}, new int[] {250_000, 250_000, 250_000}, false);

    @Test
    void listsOnlySegmentsTheAudioCovers() {
        // Audio covers 4.1 s of the video's 6 s: segments 7 and 8 are final, 9 is not yet.
        RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 30,
                new double[] {2, 2.1}, new int[] {500, 500}, false);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:7
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:00.250Z
                #EXTINF:2.000,
                ts7.ts
                #EXT-X-PROGRAM-DATE-TIME:2026-11-25T12:00:02.250Z
                #EXTINF:2.000,
                ts8.ts
                """, new HlsTsPlaylistRenderer(6).renderMedia(video, audio, false).orElseThrow());
    }

    @Test
    void aSegmentListedAsThePublisherLeftStaysListedWhenItComesBack() {
        // The audio ended 1.9 s before the video's last segment ends, so that segment was listed
        // once the audio ended. The new publication then serves the audio it was handed (not
        // ended, a break pending) until it cuts its own: the segment must stay listed, or the
        // playlist's media sequence goes back.
        RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 30,
                new double[] {2, 2.1}, new int[] {500, 500}, false);
        String whileAway = new HlsTsPlaylistRenderer(2).renderMedia(video, ended(audio, true, false), false).orElseThrow();
        String whenBack = new HlsTsPlaylistRenderer(2).renderMedia(video, ended(audio, false, true), false).orElseThrow();
        assertTrue(whileAway.contains("#EXT-X-MEDIA-SEQUENCE:8\n") && whileAway.contains("ts9.ts"), whileAway);
        assertEquals(whileAway, whenBack);
    }

    private static RenditionSnapshot ended(RenditionSnapshot audio, boolean ended, boolean breakPending) {
        return new RenditionSnapshot(audio.path(), audio.track(), audio.format(), audio.init(), audio.segments(), List.of(),
                audio.maxSegmentDuration(), ended, audio.updatedAt(), audio.nextSequence(), audio.inits(), breakPending);
    }

    @Test
    void multivariantHasOneMuxedVariantPerVideoRendition() {
        RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 30,
                new double[] {2}, new int[] {500}, false);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-STREAM-INF:BANDWIDTH=1002000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720
                source/ts.m3u8
                """, new HlsTsPlaylistRenderer(6).renderMultivariant(List.of(audio, video)).orElseThrow());
    }

    @Test
    void tsIsMadeOfH264RenditionsOnly() {
        RenditionSnapshot hevc = Snapshots.rendition("source-hevc", dev.glasscast.media.TrackInfo.video(1,
                dev.glasscast.media.Codec.H265, 90_000, 320, 180, 30, 0, dev.glasscast.media.codec.HevcDecoderConfig.toBytes(java.util.HexFormat.of().parseHex("40010c01ffff01600000030090000003000003003c959809"), java.util.HexFormat.of().parseHex("42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300f040"), java.util.HexFormat.of().parseHex("4401c172b46240"))), 0,
                new double[] {2}, new int[] {100_000}, false);
        assertTrue(new HlsTsPlaylistRenderer(6).renderMultivariant(List.of(hevc)).isEmpty());
    }

}
