package dev.glasscast.packager.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashManifestRendererTest {

    private final DashManifestRenderer renderer = new DashManifestRenderer();

    private static List<RenditionSnapshot> stream(boolean ended) {
        return List.of(
                Snapshots.rendition("audio", Snapshots.AUDIO, 30, new double[] {2, 2, 2}, new int[] {500, 500, 500}, ended),
                Snapshots.rendition("source", Snapshots.VIDEO_720, 7, new double[] {2, 2, 2.5},
                        new int[] {250_000, 250_000, 250_000}, ended));
    }

    @Test
    void liveMpd() {
        String mpd = renderer.render(stream(false), new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(3))).orElseThrow();
        assertEquals(EXPECTED_LIVE, mpd);
    }

    /** {@code rendition} with a segment being written that will last {@code ticks}, as the segmenter decided. */
    private static RenditionSnapshot opened(RenditionSnapshot r, long ticks) {
        return opened(r, ticks, false);
    }

    private static RenditionSnapshot opened(RenditionSnapshot r, long ticks, boolean afterABreak) {
        return new RenditionSnapshot(r.path(), r.track(), r.format(), r.init(), r.segments(), r.openParts(),
                r.maxSegmentDuration(), r.ended(), r.updatedAt(), r.nextSequence(), r.inits(), afterABreak, ticks);
    }

    @Test
    void aSegmentBeingWrittenAfterABreakWaitsForItsOwnPeriod() {
        // The slate stood in: the last segment was cut short, and what is being written belongs to
        // the next Period. Listed in this one, the short segment would not be the Period's last.
        List<RenditionSnapshot> plain = stream(false);
        List<RenditionSnapshot> open = List.of(opened(plain.get(0), 96_000, true), opened(plain.get(1), 225_000, true));
        String mpd = renderer.render(open, new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(2), Duration.ofMillis(1500))).orElseThrow();
        assertTrue(mpd.contains("<S t=\"0\" d=\"180000\" r=\"1\"/>\n            <S t=\"360000\" d=\"225000\"/>\n"), mpd);
    }

    @Test
    void lowLatencyListsTheOpenSegmentAndItsAvailabilityOffset() {
        List<RenditionSnapshot> plain = stream(false);
        List<RenditionSnapshot> open = List.of(opened(plain.get(0), 96_000), opened(plain.get(1), 225_000));
        String mpd = renderer.render(open, new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(2), Duration.ofMillis(1500))).orElseThrow();
        assertTrue(mpd.contains("media=\"source/seg$Number$.m4s\" availabilityTimeOffset=\"1.5\" "
                + "availabilityTimeComplete=\"false\">"), mpd);
        // Segment 10, being written, is listed with the duration decided when it opened.
        assertTrue(mpd.contains("<S t=\"0\" d=\"180000\" r=\"1\"/>\n            <S t=\"360000\" d=\"225000\" r=\"1\"/>\n"), mpd);
        assertTrue(mpd.contains("<S t=\"0\" d=\"96000\" r=\"3\"/>"), mpd);

        String unknown = renderer.render(plain, new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(2), Duration.ofMillis(1500))).orElseThrow();
        assertTrue(unknown.contains("<S t=\"0\" d=\"180000\" r=\"1\"/>\n            <S t=\"360000\" d=\"225000\"/>\n"),
                "an open segment of unknown length is not guessed at (a wrong guess would change on the next update):\n"
                        + unknown);
    }

    @Test
    void endedStreamIsStatic() {
        String mpd = renderer.render(stream(true), new DashManifestRenderer.View(true, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(3))).orElseThrow();
        assertTrue(mpd.contains("type=\"static\" mediaPresentationDuration=\"PT6.500S\""), mpd);
        assertTrue(mpd.contains("<Period id=\"p0\" start=\"PT0S\">"), mpd);
        assertTrue(!mpd.contains("UTCTiming") && !mpd.contains("ServiceDescription"), mpd);
    }

    @Test
    void nothingBeforeTheFirstVideoSegment() {
        assertTrue(renderer.render(List.of(Snapshots.empty("source", Snapshots.VIDEO_720)),
                new DashManifestRenderer.View(false, Duration.ofMinutes(2), Duration.ofSeconds(2), "/time", null)).isEmpty());
    }

    @Test
    void anAudioOnlyStreamHasOnePeriodOfAudio() {
        DashManifestRenderer.View live = new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", null);
        RenditionSnapshot firstSegment = Snapshots.rendition("audio", Snapshots.AUDIO, 30, new double[] {2},
                new int[] {500}, false);
        assertTrue(renderer.render(List.of(firstSegment), live).isEmpty(), "the video may follow the first audio segment");

        String mpd = renderer.render(List.of(stream(false).getFirst()), live).orElseThrow();
        assertTrue(mpd.contains("<Period id=\"p0\""), mpd);
        assertTrue(mpd.contains("contentType=\"audio\""), mpd);
        assertTrue(!mpd.contains("contentType=\"video\""), mpd);
    }

    static final String EXPECTED_LIVE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic" availabilityStartTime="1970-01-01T00:00:00Z" publishTime="2026-11-25T12:01:00.250Z" minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT120S" maxSegmentDuration="PT2.500S" minBufferTime="PT1S">
              <ServiceDescription id="0">
                <Latency referenceId="0" target="3000" min="1500" max="9000"/>
                <PlaybackRate min="0.96" max="1.04"/>
              </ServiceDescription>
              <Period id="p0" start="PT1795608000.250S">
                <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">
                  <Representation id="source" codecs="avc1.64001f" bandwidth="1000000" width="1280" height="720" frameRate="30">
                    <SegmentTemplate timescale="90000" presentationTimeOffset="0" startNumber="7" initialization="source/init7.mp4" media="source/seg$Number$.m4s">
                      <SegmentTimeline>
                        <S t="0" d="180000" r="1"/>
                        <S t="360000" d="225000"/>
                      </SegmentTimeline>
                    </SegmentTemplate>
                  </Representation>
                </AdaptationSet>
                <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" segmentAlignment="true" startWithSAP="1" lang="und">
                  <Representation id="audio" codecs="mp4a.40.2" bandwidth="2000" audioSamplingRate="48000">
                    <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>
                    <SegmentTemplate timescale="48000" presentationTimeOffset="0" startNumber="30" initialization="audio/init30.mp4" media="audio/seg$Number$.m4s">
                      <SegmentTimeline>
                        <S t="0" d="96000" r="2"/>
                      </SegmentTimeline>
                    </SegmentTemplate>
                  </Representation>
                </AdaptationSet>
              </Period>
              <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="/time"/>
            </MPD>
            """;

    @Test
    void anHevcRenditionHasAnAdaptationSetOfItsOwn() {
        RenditionSnapshot hevc = Snapshots.rendition("source-hevc", dev.glasscast.media.TrackInfo.video(1,
                dev.glasscast.media.Codec.H265, 90_000, 320, 180, 30, 0, dev.glasscast.media.codec.HevcDecoderConfig.toBytes(java.util.HexFormat.of().parseHex("40010c01ffff01600000030090000003000003003c959809"), java.util.HexFormat.of().parseHex("42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300f040"), java.util.HexFormat.of().parseHex("4401c172b46240"))), 7,
                new double[] {2, 2, 2.5}, new int[] {100_000, 100_000, 100_000}, false);
        List<RenditionSnapshot> renditions = new java.util.ArrayList<>(stream(false));
        renditions.add(hevc);
        String mpd = renderer.render(renditions, new DashManifestRenderer.View(false, Duration.ofMinutes(2),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(3))).orElseThrow();
        int h264Set = mpd.indexOf("<AdaptationSet id=\"0\" contentType=\"video\"");
        int hevcSet = mpd.indexOf("<AdaptationSet id=\"2\" contentType=\"video\"");
        assertTrue(h264Set >= 0 && hevcSet > h264Set, mpd);
        assertTrue(mpd.indexOf("codecs=\"hvc1.1.6.L60.90\"") > hevcSet, mpd);
        assertTrue(mpd.indexOf("codecs=\"avc1.64001f\"") < hevcSet, mpd);
    }

}
