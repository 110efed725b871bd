package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsMultivariantPlaylistRendererTest {

    private final HlsMultivariantPlaylistRenderer renderer = new HlsMultivariantPlaylistRenderer();

    // 2 s segments: 500 000 bytes = 2 Mbit/s, 250 000 bytes = 1 Mbit/s, 32 000 bytes = 128 kbit/s.
    private final RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 0,
            new double[] {2, 2}, new int[] {32_000, 32_000}, false);
    private final RenditionSnapshot hd = Snapshots.rendition("hd", Snapshots.VIDEO_720, 0,
            new double[] {2, 2}, new int[] {500_000, 250_000}, false);
    private final RenditionSnapshot sd = Snapshots.rendition("sd", Snapshots.VIDEO_360, 0,
            new double[] {2}, new int[] {125_000}, false);

    @Test
    void announcesEveryVideoRenditionWithTheSharedAudioGroup() {
        String expected = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"
                #EXT-X-STREAM-INF:BANDWIDTH=2128000,AVERAGE-BANDWIDTH=1628000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO="audio"
                hd/index.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=628000,AVERAGE-BANDWIDTH=628000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970,AUDIO="audio"
                sd/index.m3u8
                """;
        assertEquals(expected, renderer.render(List.of(audio, hd, sd)).orElseThrow());
    }

    @Test
    void withoutAudioThereIsNoGroup() {
        String expected = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=500000,CODECS="avc1.4d401e",RESOLUTION=640x360,FRAME-RATE=29.970
                sd/index.m3u8
                """;
        assertEquals(expected, renderer.render(List.of(sd)).orElseThrow());
    }

    @Test
    void usesTheNominalBitrateBeforeAnySegmentExists() {
        RenditionSnapshot fresh = Snapshots.empty("hd", Snapshots.VIDEO_720.withBitrate(3_000_000));
        RenditionSnapshot freshAudio = Snapshots.empty("audio", Snapshots.AUDIO.withBitrate(128_000));
        String playlist = renderer.render(List.of(freshAudio, fresh)).orElseThrow();
        assertTrue(playlist.contains("#EXT-X-STREAM-INF:BANDWIDTH=3128000,CODECS="), playlist);
    }

    @Test
    void nothingToAnnounceWithoutVideoOfKnownBitrate() {
        RenditionSnapshot audioSoFar = Snapshots.rendition("audio", Snapshots.AUDIO, 0,
                new double[] {2}, new int[] {32_000}, false);
        assertTrue(renderer.render(List.of(audioSoFar)).isEmpty(), "one audio segment may precede the video");
        assertTrue(renderer.render(List.of(audio, Snapshots.empty("hd", Snapshots.VIDEO_720))).isEmpty());
        assertTrue(renderer.render(List.of()).isEmpty());
    }

    @Test
    void aStreamWithoutVideoIsAnnouncedAsAudioOnlyOnceItsAudioStandsAlone() {
        String expected = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=128000,AVERAGE-BANDWIDTH=128000,CODECS="mp4a.40.2"
                audio/index.m3u8
                """;
        assertEquals(expected, renderer.render(List.of(audio)).orElseThrow());
    }

    @Test
    void anHevcRenditionIsItsOwnHvc1VariantBesideTheH264Ones() {
        RenditionSnapshot hevc = Snapshots.rendition("source-hevc", dev.glasscast.media.TrackInfo.video(1,
                dev.glasscast.media.Codec.H265, 90_000, 320, 180, 30, 0, dev.glasscast.media.codec.HevcDecoderConfig.toBytes(java.util.HexFormat.of().parseHex("40010c01ffff01600000030090000003000003003c959809"), java.util.HexFormat.of().parseHex("42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300f040"), java.util.HexFormat.of().parseHex("4401c172b46240"))), 0,
                new double[] {2}, new int[] {100_000}, false);
        String playlist = renderer.render(List.of(audio, hd, hevc)).orElseThrow();
        assertTrue(playlist.contains("CODECS=\"hvc1.1.6.L60.90,mp4a.40.2\",RESOLUTION=320x180"), playlist);
        assertTrue(playlist.contains("\nsource-hevc/index.m3u8\n"), playlist);
        assertTrue(playlist.contains("CODECS=\"avc1.64001f,mp4a.40.2\""), playlist);
    }

}
