package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.cutter.ProgramDateTimeAnchor;
import dev.glasscast.packager.dash.DashManifestRenderer;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DASH-IF IOP: an MPD update may add timeline entries and drop old ones, never change one. Low
 * latency DASH lists the segment being written, so its duration must be right before it closes.
 * Audio made that hard: 2 s is 93.75 AAC frames at 48 kHz, so segments alternate between 93 and
 * 94 frames (1.984 and 2.005 s), and a guess from the previous segment was wrong every time.
 */
class DashTimelineStabilityTest {

    private static final byte[] AVCC = {1, 0x64, 0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 0};
    private static final byte[] ASC = {0x11, (byte) 0x90};
    private static final TrackInfo VIDEO = TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 25, 0, AVCC);
    private static final TrackInfo AUDIO = TrackInfo.audio(1, Codec.AAC, 48_000, 48_000, 2, 0, ASC);
    private static final Pattern REPRESENTATION = Pattern.compile(
            "<Representation id=\"([^\"]+)\".*?startNumber=\"(\\d+)\".*?</Representation>", Pattern.DOTALL);
    private static final Pattern S = Pattern.compile("<S t=\"(\\d+)\" d=\"(\\d+)\"(?: r=\"(\\d+)\")?/>");
    private static final Pattern MAX_SEGMENT_DURATION = Pattern.compile("maxSegmentDuration=\"PT([0-9.]+)S\"");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final SegmentStoreLimits limits = new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofMillis(333),
            4, Duration.ofSeconds(8));
    private final LiveRendition video = segmenter("source");
    private final LiveRendition audio = segmenter("audio");

    private LiveRendition segmenter(String name) {
        return new LiveRendition(StreamPath.rendition("cam", name), limits,
                new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT),
                new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT), clock, 100, 0, false);
    }

    @AfterEach
    void release() {
        video.release();
        audio.release();
    }

    /**
     * The same media time has the same program date-time in every rendition, though the video
     * (a transcoded rung) reaches the packager 0.4 s after the audio: hls.js aligns the audio
     * playlist to the video's by them, and fetched audio 0.2-0.5 s off when each rendition
     * anchored at its own first sample.
     */
    @Test
    void renditionsOfAStreamAgreeOnProgramDateTimes() {
        ProgramDateTimeAnchor anchor = new ProgramDateTimeAnchor(clock);
        LiveRendition rung = new LiveRendition(StreamPath.rendition("cam", "360p"), limits,
                new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT),
                new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT), clock, anchor,
                PublicationHandover.empty(100, 0), snapshot -> { }, RenditionRecorder.NONE, LatencyProbe.OFF);
        LiveRendition sound = new LiveRendition(StreamPath.rendition("cam", "audio"), limits,
                new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT),
                new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT), clock, anchor,
                PublicationHandover.empty(100, 0), snapshot -> { }, RenditionRecorder.NONE, LatencyProbe.OFF);
        try {
            rung.onTracks(List.of(VIDEO));
            sound.onTracks(List.of(AUDIO));
            for (int tick = 0; tick < 250; tick++) {
                // Every 20 ms of media: the audio now, the picture of 0.4 s ago.
                long audioSamples = tick * 960L;
                sound.onAccessUnit(new AccessUnit(1, audioSamples, audioSamples, 0, true, new byte[] {0x21, 0x10}));
                int frame = tick / 2 - 20;
                if (tick % 2 == 0 && frame >= 0) {
                    long videoTime = frame * 3600L;
                    rung.onAccessUnit(new AccessUnit(1, videoTime, videoTime, 0, frame % 50 == 0, new byte[] {0, 0, 0, 1, 5}));
                }
                clock.advance(Duration.ofMillis(20));
            }
            MediaSegment picture = rung.snapshot().segments().get(1);
            MediaSegment audioAtTheSameTime = sound.snapshot().segments().stream()
                    .filter(segment -> segment.startTime() * 90_000 / 48_000 == picture.startTime()).findFirst().orElseThrow();
            assertEquals(audioAtTheSameTime.programDateTime(), picture.programDateTime());
        } finally {
            rung.release();
            sound.release();
        }
    }

    @Test
    void noPublishedEntryEverChangesAndMaxSegmentDurationHoldsThemAll() {
        video.onTracks(List.of(VIDEO));
        audio.onTracks(List.of(AUDIO));
        DashManifestRenderer renderer = new DashManifestRenderer();
        DashManifestRenderer.View view = new DashManifestRenderer.View(false, Duration.ofSeconds(8),
                Duration.ofSeconds(2), "/time", Duration.ofSeconds(3), Duration.ofMillis(1667));
        // Representation -> $Number$ -> "t d" as first published.
        Map<String, Map<Long, String>> published = new HashMap<>();
        int frame = 0;
        int audioFrame = 0;
        // Audio starts 13 ms after video, as a real source's does: the grids differ.
        long audioStartSamples = 624;
        int renders = 0;
        while (frame < 25 * 30) {
            long videoTime = frame * 3600L;
            long audioTime = (audioStartSamples + audioFrame * 1024L) * 90_000 / 48_000;
            if (videoTime <= audioTime) {
                video.onAccessUnit(new AccessUnit(1, videoTime, videoTime, 0, frame % 50 == 0, new byte[] {0, 0, 0, 1, 5}));
                frame++;
            } else {
                long samples = audioStartSamples + audioFrame * 1024L;
                audio.onAccessUnit(new AccessUnit(1, samples, samples, 0, true, new byte[] {0x21, 0x10}));
                audioFrame++;
            }
            clock.advance(Duration.ofMillis(5));
            String mpd = renderer.render(List.of(video.snapshot(), audio.snapshot()), view).orElse(null);
            if (mpd == null) {
                continue;
            }
            renders++;
            double maxSegment = Double.parseDouble(matched(MAX_SEGMENT_DURATION, mpd));
            Matcher representation = REPRESENTATION.matcher(mpd);
            while (representation.find()) {
                String id = representation.group(1);
                int timescale = id.equals("audio") ? 48_000 : 90_000;
                long number = Long.parseLong(representation.group(2));
                Matcher s = S.matcher(representation.group());
                Map<Long, String> entries = published.computeIfAbsent(id, k -> new HashMap<>());
                while (s.find()) {
                    long t = Long.parseLong(s.group(1));
                    long d = Long.parseLong(s.group(2));
                    int repeat = s.group(3) == null ? 0 : Integer.parseInt(s.group(3));
                    assertTrue(d <= Math.round(maxSegment * timescale), id + " d=" + d + " above maxSegmentDuration " + maxSegment);
                    for (int r = 0; r <= repeat; r++, number++, t += d) {
                        String entry = t + " " + d;
                        String before = entries.putIfAbsent(number, entry);
                        if (before != null) {
                            assertEquals(before, entry, id + " segment " + number + " changed after it was published:\n" + mpd);
                        }
                    }
                }
            }
        }
        assertTrue(renders > 1000, "MPD updates checked: " + renders);
        assertTrue(published.get("audio").size() >= 12, "audio segments seen: " + published.get("audio"));
        assertTrue(published.get("audio").values().stream().anyMatch(e -> e.endsWith(" 96256")),
                "some audio segments are 94 frames: " + published.get("audio"));
        assertTrue(published.get("audio").values().stream().anyMatch(e -> e.endsWith(" 95232")),
                "some audio segments are 93 frames: " + published.get("audio"));
    }

    private static String matched(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), pattern + " in\n" + text);
        return matcher.group(1);
    }
}
