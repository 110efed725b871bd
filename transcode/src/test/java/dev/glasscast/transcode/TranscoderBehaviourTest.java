package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.codec.NalUnits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key-frame cadence, passthrough, frame-rate caps, discontinuities and overload, on a small clip. */
class TranscoderBehaviourTest {

    private static final int FPS = 30;
    private static final int FRAMES = 4 * FPS;
    private static final long PATIENCE_SECONDS = 300;

    @TempDir
    static Path dir;
    /** 320x240, one key frame at the start only (a long-GOP source). */
    static SyntheticClip clip;

    @BeforeAll
    static void encodeTheSource() throws Exception {
        clip = SyntheticClip.make(dir.resolve("source-240p.mp4"), 320, 240, FPS, FRAMES, 1000);
    }

    static RungConfig rung(String name, int height, double maxFps) {
        return new RungConfig(name, "h264", 0, height, 300_000, 0, 0, maxFps, "ultrafast", "baseline", "3.0", 64_000);
    }

    @Test
    void keyFramesAreForcedOnEveryRungAtTheSameSourceTimesWhenTheSourceHasLongGops() throws Exception {
        RenditionCollector out = run(List.of(rung("240p", 240, 0), rung("120p", 120, 0)),
                new AudioConfig("copy", 128_000), Duration.ofSeconds(1), limitsWaiting(), List.of(clip.units()));

        List<Long> sourcePts = clip.videoUnits().stream().map(AccessUnit::pts).sorted().toList();
        Set<Long> expectedKeys = new TreeSet<>();
        long last = Long.MIN_VALUE;
        for (long pts : sourcePts) {
            if (last == Long.MIN_VALUE || pts - last >= clip.video().timescale()) {
                expectedKeys.add(pts);
                last = pts;
            }
        }
        assertEquals(4, expectedKeys.size());
        for (String name : List.of("240p", "120p")) {
            assertEquals(expectedKeys, keys(out.renditions.get(name).units), name);
            assertEquals(FRAMES, Decoded.video(out.renditions.get(name).track(), out.renditions.get(name).units).size());
        }
        assertEquals(160, out.renditions.get("120p").track().width());
    }

    /**
     * A WebRTC viewer's PLI: the rung's encoder makes an IDR at the next picture, marked as no
     * random-access point so every rung keeps cutting on the shared grid.
     */
    @Test
    void aRequestedKeyFrameIsAnIdrOffTheGrid() throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector out = new RenditionCollector();
        hub.addListener(out);
        LadderTranscoder transcoder = new LadderTranscoder(hub, () -> new TranscodeSettings(List.of(rung("240p", 240, 0)),
                new AudioConfig("copy", 128_000), Duration.ofSeconds(1)), limitsWaiting());
        hub.addListener(transcoder);
        List<AccessUnit> units = clip.units();
        int half = units.size() / 2;
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            units.subList(0, half).forEach(source::send);
            out.awaitUnits("240p", FRAMES / 3, PATIENCE_SECONDS);
            assertTrue(transcoder.requestKeyFrame("live", "240p"));
            assertFalse(transcoder.requestKeyFrame("live", "no-such-rung"));
            assertFalse(transcoder.requestKeyFrame("nobody", "240p"));
            units.subList(half, units.size()).forEach(source::send);
        }
        out.awaitEnded(new TreeSet<>(List.of("240p", LadderTranscoder.AUDIO_RENDITION)), PATIENCE_SECONDS);
        List<AccessUnit> encoded = out.renditions.get("240p").units;
        assertEquals(4, keys(encoded).size(), "the grid: one key frame a second");
        List<AccessUnit> offGrid = encoded.stream().filter(u -> !u.keyFrame() && containsIdr(u)).toList();
        assertEquals(1, offGrid.size(), "one IDR for the request: " + offGrid);
        assertEquals(FRAMES, Decoded.video(out.renditions.get("240p").track(), encoded).size());
    }

    private static boolean containsIdr(AccessUnit unit) {
        return NalUnits.splitLengthPrefixed(unit.data()).stream()
                .anyMatch(nal -> nal.length > 0 && NalUnits.h264Type(nal[0]) == NalUnits.H264_NAL_SLICE_IDR);
    }

    @Test
    void aRungWithBFramesReordersButKeepsTheGridOfKeyFrames() throws Exception {
        RungConfig plain = rung("240p", 240, 0);
        RungConfig reordered = new RungConfig("120p", "h264", 0, 120, 300_000, 0, 0, 0, "ultrafast", "main", null,
                64_000, 2);
        RenditionCollector out = run(List.of(plain, reordered), new AudioConfig("copy", 128_000),
                Duration.ofSeconds(1), limitsWaiting(), List.of(clip.units()));
        List<AccessUnit> units = out.renditions.get("120p").units;
        assertEquals(FRAMES, units.size());
        assertTrue(units.stream().anyMatch(u -> u.dts() < u.pts()), "B-frames make DTS precede PTS");
        for (int i = 1; i < units.size(); i++) {
            assertTrue(units.get(i).dts() > units.get(i - 1).dts(), "DTS increases");
        }
        Set<Long> sourcePts = clip.videoUnits().stream().map(AccessUnit::pts).collect(Collectors.toCollection(TreeSet::new));
        Set<Long> outputPts = units.stream().map(AccessUnit::pts).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(sourcePts, outputPts);
        assertEquals(keys(out.renditions.get("240p").units), keys(units));
        assertEquals(FRAMES, Decoded.video(out.renditions.get("120p").track(), units).size());
    }

    @Test
    void copyRungsAndCopiedAudioPassTheSourceThrough() throws Exception {
        RungConfig source = new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000);
        RenditionCollector out = run(List.of(source, rung("120p", 120, 0)), new AudioConfig("copy", 128_000),
                Duration.ofSeconds(2), limitsWaiting(), List.of(clip.units()));

        List<AccessUnit> copied = out.renditions.get("source").units;
        assertEquals(clip.videoUnits().size(), copied.size());
        for (int i = 0; i < copied.size(); i++) {
            assertSame(clip.videoUnits().get(i), copied.get(i));
        }
        assertEquals(clip.video(), out.renditions.get("source").track());
        assertEquals(clip.audioUnits(), out.renditions.get("audio").units);
        assertEquals(clip.audio(), out.renditions.get("audio").track());
        assertEquals(FRAMES, out.renditions.get("120p").units.size());
    }

    @Test
    void maxFpsHalvesTheFrameRate() throws Exception {
        RenditionCollector out = run(List.of(rung("half", 120, 15)), new AudioConfig("copy", 128_000),
                Duration.ofSeconds(2), limitsWaiting(), List.of(clip.units()));
        List<AccessUnit> units = out.renditions.get("half").units;
        assertEquals(FRAMES / 2, units.size());
        long spacing = clip.video().timescale() / 15;
        for (int i = 1; i < units.size(); i++) {
            assertEquals(spacing, units.get(i).pts() - units.get(i - 1).pts());
            assertEquals(spacing, units.get(i - 1).duration());
        }
        assertEquals(15.0, out.renditions.get("half").track().frameRate());
    }

    @Test
    void aDiscontinuityRestartsEveryRungAtAKeyFrame() throws Exception {
        RenditionCollector out = run(List.of(rung("240p", 240, 0), rung("120p", 120, 0)),
                new AudioConfig("aac", 64_000), Duration.ofSeconds(2), limitsWaiting(),
                List.of(clip.units(), clip.units()));
        for (String name : List.of("240p", "120p")) {
            RenditionCollector.Rendition rendition = out.renditions.get(name);
            assertEquals(1, rendition.discontinuities, name);
            assertEquals(2 * FRAMES, rendition.units.size(), name);
            assertTrue(rendition.units.get(FRAMES).keyFrame(), name + " restarts with a key frame");
            List<Decoded.Picture> first = Decoded.video(rendition.track(), rendition.units.subList(0, FRAMES));
            List<Decoded.Picture> second = Decoded.video(rendition.track(), rendition.units.subList(FRAMES, 2 * FRAMES));
            assertEquals(FRAMES, first.size());
            assertEquals(FRAMES, second.size());
        }
        assertEquals(1, out.renditions.get("audio").discontinuities);
    }

    @Test
    void overloadDropsPicturesButNeverTheAlignedKeyFrames() throws Exception {
        TranscodeLimits tight = new TranscodeLimits(10, 3, 10, TranscodeLimits.Overload.DROP, 1, 1, RungPace.Timing.DEFAULT);
        RenditionCollector out = run(List.of(rung("240p", 240, 0), rung("180p", 180, 0), rung("120p", 120, 0)),
                new AudioConfig("aac", 64_000), Duration.ofMillis(500), tight, List.of(clip.units()));
        Set<Long> referenceKeys = keys(out.renditions.get("120p").units);
        assertTrue(!referenceKeys.isEmpty());
        for (String name : List.of("240p", "180p", "120p")) {
            RenditionCollector.Rendition rendition = out.renditions.get(name);
            assertEquals(referenceKeys, keys(rendition.units), name + " has the same key frames as 120p");
            assertEquals(rendition.units.size(), Decoded.video(rendition.track(), rendition.units).size(),
                    name + " decodes completely despite the drops");
        }
        assertTrue(out.renditions.get("240p").units.size() <= out.renditions.get("120p").units.size() + referenceKeys.size(),
                "the largest rung drops first");
    }

    @Test
    void aReloadedLadderAppliesToTheNextPublishEvenOnAnImmediateReconnectAndEveryThreadEnds() throws Exception {
        List<AccessUnit> firstSecond = new ArrayList<>();
        int video = 0;
        for (AccessUnit unit : clip.units()) {
            if (unit.trackId() == SyntheticClip.VIDEO_TRACK && ++video > FPS) {
                break;
            }
            firstSecond.add(unit);
        }
        AtomicReference<TranscodeSettings> settings = new AtomicReference<>(new TranscodeSettings(
                List.of(rung("240p", 240, 0)), new AudioConfig("aac", 64_000), Duration.ofSeconds(2)));
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector out = new RenditionCollector();
        hub.addListener(out);
        hub.addListener(new LadderTranscoder(hub, settings::get, limitsWaiting()));

        publish(hub, firstSecond);
        out.awaitEnded(Set.of("240p", "audio"), PATIENCE_SECONDS);
        RenditionCollector.Rendition firstAudio = out.renditions.get("audio");
        assertEquals(FPS, out.renditions.get("240p").units.size());

        // The operator saves a new ladder: the next publish gets it.
        settings.set(new TranscodeSettings(List.of(rung("120p", 120, 0)), new AudioConfig("aac", 64_000),
                Duration.ofSeconds(2)));
        publish(hub, firstSecond);
        // ...and so does a publisher reconnecting at once, while the renditions of its previous
        // session may still be draining.
        publish(hub, firstSecond);
        waitUntil(() -> out.publications.getOrDefault("120p", 0) == 2 && out.publications.get("audio") == 3);
        out.awaitEnded(Set.of("120p", "audio"), PATIENCE_SECONDS);
        assertTrue(out.renditions.get("audio") != firstAudio);
        assertEquals(FPS, out.renditions.get("120p").units.size());
        assertEquals(160, out.renditions.get("120p").track().width());

        waitUntil(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("transcode-live")));
    }

    private static void publish(StreamHub hub, List<AccessUnit> units) throws Exception {
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            for (AccessUnit unit : units) {
                source.send(unit);
            }
        }
    }

    /** Polls a condition; the bound only ends a broken test. */
    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(20);
        }
    }

    static TranscodeLimits limitsWaiting() {
        return new TranscodeLimits(60, 8, 200, TranscodeLimits.Overload.WAIT, 1, 1, RungPace.Timing.DEFAULT);
    }

    static Set<Long> keys(List<AccessUnit> units) {
        return units.stream().filter(AccessUnit::keyFrame).map(AccessUnit::pts).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Publishes each run of units in turn, with a discontinuity between runs. */
    static RenditionCollector run(List<RungConfig> ladder, AudioConfig audio, Duration keyFrameInterval,
                                  TranscodeLimits limits, List<List<AccessUnit>> runs) throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        hub.addListener(new LadderTranscoder(hub, () -> new TranscodeSettings(ladder, audio, keyFrameInterval), limits));
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            for (int i = 0; i < runs.size(); i++) {
                if (i > 0) {
                    source.discontinuity();
                }
                for (AccessUnit unit : runs.get(i)) {
                    source.send(unit);
                }
            }
        }
        List<String> expected = new ArrayList<>(ladder.stream().map(RungConfig::name).toList());
        expected.add(LadderTranscoder.AUDIO_RENDITION);
        renditions.awaitEnded(new TreeSet<>(expected), PATIENCE_SECONDS);
        return renditions;
    }
}
