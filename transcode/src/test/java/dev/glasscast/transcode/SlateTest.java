package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher leaves and comes back; the renditions (a {@code copy} rung, a transcoded rung and
 * the copied audio) keep going on the slate in between, with one timeline throughout, then end
 * when the slate times out.
 */
class SlateTest {

    private static final int FPS = 30;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static SyntheticClip clip;

    @BeforeAll
    static void encodeTheSource() throws Exception {
        clip = SyntheticClip.make(dir.resolve("source.mp4"), 320, 240, FPS, 2 * FPS, FPS);
    }

    @Test
    void renditionsCarryTheSlateBetweenSessionsOnOneTimelineAndEndAfterTheTimeout() throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        List<RungConfig> ladder = List.of(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000),
                new RungConfig("120p", "h264", 0, 120, 300_000, 0, 0, 0, "ultrafast", "main", null, 128_000));
        SlateConfig slate = new SlateConfig(true, "#203040", null, "Back soon", TIMEOUT);
        TranscodeSettings settings = new TranscodeSettings(ladder, new AudioConfig("copy", 128_000), Duration.ofSeconds(1), slate);
        TranscodeLimits limits = TranscodeLimits.defaults().withOverload(TranscodeLimits.Overload.WAIT);
        hub.addListener(new LadderTranscoder(hub, () -> settings, limits));

        publishTheClip(hub);
        // The publisher is away until every rendition has carried at least a second of slate
        // (waiting for that, not for a fixed time a loaded machine may not give the slate).
        renditions.awaitUnitsAfterDiscontinuity("source", SlateMedia.SLATE_FPS, 30);
        renditions.awaitUnitsAfterDiscontinuity("120p", SlateMedia.SLATE_FPS, 30);
        renditions.awaitUnitsAfterDiscontinuity("audio", clip.audio().sampleRate() / 1024 + 1, 30);
        publishTheClip(hub);

        Set<String> names = Set.of("source", "120p", "audio");
        renditions.awaitEnded(names, 120);
        for (String name : names) {
            assertEquals(1, renditions.publications.get(name), name + " is published once, across both sessions");
            RenditionCollector.Rendition rendition = renditions.renditions.get(name);
            List<AccessUnit> units = rendition.units;
            long previous = Long.MIN_VALUE;
            for (AccessUnit unit : units) {
                assertTrue(unit.dts() >= previous, name + ": decode times never go back: " + previous + " -> " + unit.dts());
                previous = unit.dts();
            }
            assertTrue(rendition.discontinuities >= 2, name + ": a discontinuity into the slate and one out of it");
            assertTrue(rendition.unitsAtDiscontinuity.getFirst() > 0, name + ": live media before the slate");
        }
        for (String name : List.of("source", "120p")) {
            assertEquals(clip.videoUnits().size(), renditions.renditions.get(name).unitsAtDiscontinuity.getFirst(),
                    name + ": the slate follows the whole first session");
        }
        // Video: both sessions' frames plus at least a second of slate at 25 fps.
        for (String name : List.of("source", "120p")) {
            RenditionCollector.Rendition rendition = renditions.renditions.get(name);
            int live = 2 * clip.videoUnits().size();
            assertTrue(rendition.units.size() >= live + SlateMedia.SLATE_FPS,
                    name + ": " + rendition.units.size() + " units, " + live + " of them live");
            // Decoded with the first (live) avcC, as a player given the first init segment does:
            // the slate's in-band parameter sets make it decodable anyway.
            List<Decoded.Picture> pictures = Decoded.video(rendition.track(), rendition.units);
            assertEquals(rendition.units.size(), pictures.size(), name + ": every unit decodes");
            int width = rendition.track().width();
            int height = rendition.track().height();
            for (Decoded.Picture picture : pictures) {
                assertEquals(width, picture.width(), name);
                assertEquals(height, picture.height(), name);
            }
        }
        RenditionCollector.Rendition audio = renditions.renditions.get("audio");
        long samples = Decoded.aacSamples(audio.track(), audio.units);
        long live = 2 * Decoded.aacSamples(clip.audio(), clip.audioUnits());
        assertTrue(samples > live + 48_000, "the audio carries at least a second of silence: " + samples + " vs " + live);
    }

    private static void publishTheClip(StreamHub hub) throws Exception {
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            for (AccessUnit unit : clip.units()) {
                source.send(unit);
            }
        }
    }
}
