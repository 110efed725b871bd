package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1080p30 source with B-frames and AAC through a 720p/480p/360p ladder, end to end through a
 * real {@link StreamHub}, every frame kept ({@link TranscodeLimits.Overload#WAIT}).
 */
class LadderTranscoderTest {

    private static final int FPS = 30;
    private static final int FRAMES = 4 * FPS;
    /** Generous bound that only ends a broken test; a healthy run takes a few seconds. */
    private static final long PATIENCE_SECONDS = 300;

    @TempDir
    static Path dir;
    static SyntheticClip clip;

    @BeforeAll
    static void encodeTheSource() throws Exception {
        clip = SyntheticClip.make(dir.resolve("source-1080p.mp4"), 1920, 1080, FPS, FRAMES, FPS);
    }

    static RungConfig rung(String name, int width, int height, String bitrate) {
        long bits = dev.glasscast.config.BitrateText.parse(bitrate);
        return new RungConfig(name, "h264", width, height, bits, 0, 0, 0, "ultrafast", "main", null, 128_000);
    }

    @Test
    void theLadderDecodesAtEachRungsSizeWithKeyFramesAlignedOnTheSourcesTimestamps() throws Exception {
        List<AccessUnit> sourceVideo = clip.videoUnits();
        assertEquals(FRAMES, sourceVideo.size());
        assertTrue(sourceVideo.stream().anyMatch(u -> u.pts() != u.dts()), "the source should have B-frames");

        List<RungConfig> ladder = List.of(
                rung("1440p", 0, 1440, "8M"),
                rung("720p", 0, 720, "3M"),
                rung("480p", 0, 480, "1400k"),
                rung("360p", 640, 360, "800k"));
        RenditionCollector renditions = run(ladder, new AudioConfig("aac", 96_000), Duration.ofSeconds(2));

        assertFalse(renditions.renditions.containsKey("1440p"), "a rung larger than the source is skipped");
        assertEquals(Set.of("720p", "480p", "360p", "audio"), renditions.renditions.keySet());

        Set<Long> sourcePts = sourceVideo.stream().map(AccessUnit::pts).collect(Collectors.toCollection(TreeSet::new));
        Set<Long> sourceKeys = sourceVideo.stream().filter(AccessUnit::keyFrame).map(AccessUnit::pts)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(FRAMES / FPS, sourceKeys.size());

        int[][] sizes = {{1280, 720}, {854, 480}, {640, 360}};
        String[] names = {"720p", "480p", "360p"};
        for (int i = 0; i < names.length; i++) {
            RenditionCollector.Rendition rendition = renditions.renditions.get(names[i]);
            assertEquals(Codec.H264, rendition.track().codec());
            assertEquals(sizes[i][0], rendition.track().width(), names[i]);
            assertEquals(sizes[i][1], rendition.track().height(), names[i]);
            assertEquals(clip.video().timescale(), rendition.track().timescale());

            List<Decoded.Picture> pictures = Decoded.video(rendition.track(), rendition.units);
            assertEquals(FRAMES, pictures.size(), names[i] + " frame count");
            for (Decoded.Picture picture : pictures) {
                assertEquals(sizes[i][0], picture.width(), names[i]);
                assertEquals(sizes[i][1], picture.height(), names[i]);
            }
            Set<Long> pts = rendition.units.stream().map(AccessUnit::pts).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(sourcePts, pts, names[i] + " keeps the source's timestamps");
            Set<Long> keys = rendition.units.stream().filter(AccessUnit::keyFrame).map(AccessUnit::pts)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(sourceKeys, keys, names[i] + " key frames fall on the source's key frames");
            for (AccessUnit unit : rendition.units) {
                if (unit.keyFrame()) {
                    assertTrue(nalTypes(unit.data()).contains(5), names[i] + " key frames are IDRs");
                }
                assertTrue(unit.duration() > 0, "durations are carried");
            }
        }

        RenditionCollector.Rendition audio = renditions.renditions.get("audio");
        assertEquals(Codec.AAC, audio.track().codec());
        assertEquals(48_000, audio.track().sampleRate());
        assertEquals(2, audio.track().channels());
        assertEquals(96_000, audio.track().bitrate());
        long samples = Decoded.aacSamples(audio.track(), audio.units);
        long sourceSamples = Decoded.aacSamples(clip.audio(), clip.audioUnits());
        assertTrue(Math.abs(samples - sourceSamples) <= 2048, samples + " samples out, " + sourceSamples + " in");
        long firstSourceAudioPts = clip.audioUnits().getFirst().pts();
        assertEquals(firstSourceAudioPts, audio.units.getFirst().pts(), "audio keeps the source's timeline");
    }

    @Test
    void ladderAutoPassesTheSourceThroughAndMakesTheRungsItChoseBelowIt() throws Exception {
        List<RungConfig> ladder = List.of(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000),
                new RungConfig("auto", "auto", 0, 0, 0, 0, 0, 0, "ultrafast", "high", null, 128_000));
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        TranscodeLimits limits = TranscodeLimits.defaults().withOverload(TranscodeLimits.Overload.WAIT);
        LadderTranscoder transcoder = new LadderTranscoder(hub,
                () -> new TranscodeSettings(ladder, new AudioConfig("copy", 0), Duration.ofSeconds(2)), limits);
        hub.addListener(transcoder);
        List<String> reasons;
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            for (AccessUnit unit : clip.units()) {
                source.send(unit);
            }
            long until = System.nanoTime() + Duration.ofSeconds(PATIENCE_SECONDS).toNanos();
            while ((reasons = transcoder.autoLadders().getOrDefault("live", List.of())).isEmpty()) {
                assertTrue(System.nanoTime() < until, "auto chose nothing");
                Thread.sleep(20);
            }
        }
        Set<String> chosen = reasons.stream().filter(r -> !r.contains("left out") && !r.contains("not below")
                && !r.contains("not needed")).map(r -> r.substring(0, r.indexOf(':'))).collect(Collectors.toSet());
        assertTrue(chosen.contains("360p"), "the weak-network rung is always made: " + reasons);
        Set<String> expected = new TreeSet<>(chosen);
        expected.addAll(Set.of("source", LadderTranscoder.AUDIO_RENDITION));
        renditions.awaitEnded(expected, PATIENCE_SECONDS);
        assertEquals(expected, renditions.renditions.keySet(), "made what it chose: " + reasons);
        assertEquals(clip.video().codecConfig().length, renditions.renditions.get("source").track().codecConfig().length,
                "the source passes through");
        List<Decoded.Picture> pictures = Decoded.video(renditions.renditions.get("360p").track(),
                renditions.renditions.get("360p").units);
        assertEquals(FRAMES, pictures.size());
        assertEquals(640, pictures.getFirst().width());
    }

    /** Publishes the clip as source "live" through a transcoder and waits for every rendition to end. */
    static RenditionCollector run(List<RungConfig> ladder, AudioConfig audio, Duration keyFrameInterval)
            throws Exception {
        StreamHub hub = new StreamHub(100_000, Clock.systemUTC());
        RenditionCollector renditions = new RenditionCollector();
        hub.addListener(renditions);
        TranscodeLimits limits = TranscodeLimits.defaults().withOverload(TranscodeLimits.Overload.WAIT);
        hub.addListener(new LadderTranscoder(hub, () -> new TranscodeSettings(ladder, audio, keyFrameInterval), limits));
        try (StreamPublisher source = hub.publish(StreamPath.source("live"))) {
            source.tracks(List.of(clip.video(), clip.audio()));
            for (AccessUnit unit : clip.units()) {
                source.send(unit);
            }
        }
        Set<String> expected = new TreeSet<>();
        for (RungConfig rung : ladder) {
            if (rung.height() <= clip.video().height()) {
                expected.add(rung.name());
            }
        }
        expected.add(LadderTranscoder.AUDIO_RENDITION);
        renditions.awaitEnded(expected, PATIENCE_SECONDS);
        return renditions;
    }

    static Set<Integer> nalTypes(byte[] lengthPrefixed) {
        Set<Integer> types = new TreeSet<>();
        int at = 0;
        while (at + 4 < lengthPrefixed.length) {
            int length = ((lengthPrefixed[at] & 0xff) << 24) | ((lengthPrefixed[at + 1] & 0xff) << 16)
                    | ((lengthPrefixed[at + 2] & 0xff) << 8) | (lengthPrefixed[at + 3] & 0xff);
            types.add(lengthPrefixed[at + 4] & 0x1f);
            at += 4 + length;
        }
        return types;
    }
}
