package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveRenditionTest {

    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
    private static final byte[] AVCC = {1, 0x64, 0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 0};
    private static final byte[] ASC = {0x11, (byte) 0x90};
    /** Video in milliseconds, as RTMP delivers it: frames of 33 or 34 ms. */
    private static final TrackInfo VIDEO = TrackInfo.video(1, Codec.H264, 1000, 640, 360, 30, 0, AVCC);
    private static final TrackInfo AUDIO = TrackInfo.audio(2, Codec.AAC, 48_000, 48_000, 2, 0, ASC);
    /** Ten seconds into the timeline, so nothing relies on starting at zero. */
    private static final long VIDEO_OFFSET_MS = 10_000;

    private final MutableClock clock = new MutableClock(START);
    private LiveRendition segmenter;

    private LiveRendition segmenter(int minimumSegments, Duration dvrWindow) {
        SegmentStoreLimits limits = new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofMillis(500),
                minimumSegments, dvrWindow);
        segmenter = new LiveRendition(StreamPath.rendition("cam", "source"), limits,
                new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT),
                new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT), clock, 0, 0, false);
        return segmenter;
    }

    @AfterEach
    void release() {
        if (segmenter != null) {
            segmenter.release();
        }
    }

    private static long videoMillis(int frame) {
        return VIDEO_OFFSET_MS + Math.round(frame * 1000 / 30.0);
    }

    /** Frame {@code frame} of a 30 fps stream with a key frame every {@code gop} frames and one B-frame delay. */
    private static AccessUnit videoFrame(int frame, int gop) {
        long dts = videoMillis(frame);
        return new AccessUnit(1, dts, dts + 67, 0, frame % gop == 0, new byte[] {0, 0, 0, 1, (byte) frame});
    }

    private void feedVideo(int fromFrame, int toFrameExclusive, int gop) {
        for (int frame = fromFrame; frame < toFrameExclusive; frame++) {
            segmenter.onAccessUnit(videoFrame(frame, gop));
        }
    }

    @Test
    void cutsVideoIntoSegmentsOfPartsAtKeyFrames() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        assertNotNull(segmenter.snapshot(), "init exists as soon as the track is known");
        assertTrue(segmenter.snapshot().segments().isEmpty());

        feedVideo(0, 181, 60);
        RenditionSnapshot snapshot = segmenter.snapshot();
        assertEquals(3, snapshot.segments().size(), "the key frame at 6 s closed the third segment");
        // A segment starts at its earliest presentation time, its key frame's (CMAF): 67 ms after
        // the key frame's decode time here.
        long origin = (VIDEO_OFFSET_MS + 67) * 90;
        for (MediaSegment segment : snapshot.segments()) {
            long index = segment.sequence();
            assertEquals(origin + index * 180_000, segment.startTime(), "segment " + index);
            assertEquals(180_000, segment.duration(), "2 s exactly, no rounding drift");
            assertEquals(90_000, segment.timescale());
            assertEquals(START.plusSeconds(2 * index), segment.programDateTime());
            assertEquals(4, segment.parts().size(), "four parts of 0.5 s");
            assertTrue(segment.parts().getFirst().independent());
            assertFalse(segment.parts().get(1).independent());
            long partStart = segment.startTime();
            for (SegmentPart part : segment.parts()) {
                assertEquals(partStart, part.startTime(), "parts are contiguous");
                assertEquals(45_000, part.duration());
                partStart += part.duration();
            }
            assertFalse(segment.discontinuity());
        }
        assertEquals(180_000, snapshot.maxSegmentDuration());
        assertTrue(snapshot.openParts().isEmpty(), "frame 180 is still held back");
        assertFalse(snapshot.ended());
        assertTrue(snapshot.peakBitrate() > 0);
    }

    @Test
    void aChangeOfCodecParametersStartsAPeriodWithItsOwnInitSegment() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 120, 60);
        // The test pattern hands over to an SRT publisher: 90 kHz time at 854x480, rebased by the
        // transcoder to continue where the millisecond timeline got to.
        TrackInfo srt = TrackInfo.video(1, Codec.H264, 90_000, 854, 480, 30, 0,
                new byte[] {1, 0x4d, 0, 0x1e, (byte) 0xff, (byte) 0xe1, 0, 0});
        segmenter.onTracks(List.of(srt));
        for (int frame = 120; frame < 301; frame++) {
            long dts = videoMillis(frame) * 90;
            segmenter.onAccessUnit(new AccessUnit(1, dts, dts + 6_000, 0, frame % 60 == 0, new byte[] {0, 0, 0, 1, 9}));
        }
        RenditionSnapshot snapshot = segmenter.snapshot();

        assertEquals(2, snapshot.inits().size(), "one init segment per period");
        InitSegment second = snapshot.inits().getLast();
        assertEquals(srt, second.track(), "the new period is described by the new track");
        MediaSegment firstOfNew = snapshot.segment(second.firstSequence());
        assertNotNull(firstOfNew, "the new init segment's first segment is held");
        assertTrue(firstOfNew.discontinuity(), "a discontinuity before the new period");
        assertEquals(snapshot.segments().getFirst().discontinuitySequence() + 1, firstOfNew.discontinuitySequence());
        assertEquals(videoMillis(120) * 90 + 6_000, firstOfNew.startTime(),
                "the timeline continues across the change (at the key frame's presentation time)");
        for (MediaSegment segment : snapshot.segments()) {
            assertEquals(180_000, segment.duration(), 90 * 34, "segment " + segment.sequence() + " lasts 2 s");
            assertEquals(segment.sequence() >= second.firstSequence() ? second : snapshot.inits().getFirst(),
                    snapshot.initFor(segment.sequence()));
        }
        assertEquals(180_000, snapshot.maxSegmentDuration(), 90 * 34, "the target duration stays 2 s");
    }

    @Test
    void unpublishFlushesTheHeldBackFrameAndEnds() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 70, 60);
        segmenter.onUnpublished();
        RenditionSnapshot snapshot = segmenter.snapshot();
        assertTrue(snapshot.ended());
        assertEquals(2, snapshot.segments().size());
        MediaSegment last = snapshot.segments().getLast();
        assertEquals((videoMillis(69) - videoMillis(60)) * 90 + (videoMillis(69) - videoMillis(68)) * 90, last.duration(),
                "the last frame lasts as long as the one before it");
        assertNotNull(segmenter.endedAt());
        segmenter.onAccessUnit(videoFrame(70, 60));
        assertEquals(2, segmenter.snapshot().segments().size(), "nothing is added after the end");
    }

    /**
     * OBS over SRT cut off mid-GOP: decode order I P3 B1 B2 P6 and then nothing (B4, B5 lost
     * with the connection). P6 would present after a two-frame hole, which players keep when
     * they place the next source right after the last picture, and Chromium plays over with the
     * picture frozen; it presents right after B2 instead. The same with only B5 lost: B4 lasts
     * until P6, so no hole either. (Both fail when the last picture keeps its own time.)
     */
    @Test
    void aSourceCutOffMidGopLeavesNoHoleInThePictureAtTheBreak() {
        int[] presentationOrder = {0, 3, 1, 2, 6, 4, 5};
        assertNoHoleAtTheBreak(presentationOrder, 2);
        assertNoHoleAtTheBreak(presentationOrder, 1);
    }

    /**
     * The same when a part (15 frames of 500 ms) closed just before the last picture: the
     * orphaned P17 opens a part of its own, and B14 is first in its part while P16, which it
     * lasts until, is in the part before. Both failed when only the open part was looked at.
     */
    @Test
    void aSourceCutOffJustAfterAPartClosedLeavesNoHoleEither() {
        assertNoHoleAtTheBreak(new int[] {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11, 13, 14, 17, 15, 16}, 2);
        assertNoHoleAtTheBreak(new int[] {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11, 13, 16, 14, 15}, 1);
    }

    /**
     * x265's B-pyramid (P17 B15 B14 B16), cut off after B15, with P17 already cut in the part
     * before: B15 would present after a hole where B14 belongs, and dropping it would widen the
     * hole before P17 to three frames (the clean-clone CI's HEVC over SRT row: 27 pictures over
     * 30 frames' time). B15 presents from the end of B13 until P17 instead.
     */
    @Test
    void aPyramidCutOffAfterItsMiddleBFrameLeavesNoHole() {
        assertNoHoleAtTheBreak(new int[] {0, 4, 2, 1, 3, 8, 6, 5, 7, 12, 10, 9, 11, 13, 17, 15, 14, 16}, 2);
    }

    /** Feeds the pictures in decode order but the last {@code lost}, breaks, and checks every one is kept, without a hole. */
    private void assertNoHoleAtTheBreak(int[] presentationOrder, int lost) {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        // Frame n presents at n, two frames after it decodes at the earliest (two B-frames).
        for (int i = 0; i < presentationOrder.length - lost; i++) {
            int frame = presentationOrder[i];
            long dts = videoMillis(i);
            segmenter.onAccessUnit(new AccessUnit(1, dts, videoMillis(frame + 2), 0, i == 0,
                    new byte[] {0, 0, 0, 1, (byte) frame}));
        }
        segmenter.onDiscontinuity();
        String where = Arrays.toString(presentationOrder) + " with " + lost + " lost: ";
        List<Fmp4FragmentReader.TimedSample> samples = new ArrayList<>();
        for (MediaSegment segment : segmenter.snapshot().segments()) {
            ByteBuf body = segment.retainedBody(PooledByteBufAllocator.DEFAULT);
            try {
                samples.addAll(Fmp4FragmentReader.read(body));
            } finally {
                body.release();
            }
        }
        long[][] spans = samples.stream()
                .map(sample -> new long[] {sample.decodeTime() + sample.compositionOffset(),
                        sample.decodeTime() + sample.compositionOffset() + sample.duration()})
                .sorted((a, b) -> Long.compare(a[0], b[0])).toArray(long[][]::new);
        for (int i = 1; i < spans.length; i++) {
            assertTrue(spans[i][0] <= spans[i - 1][1] + 90, where + "picture " + i + " presents after a hole: "
                    + Arrays.deepToString(spans));
            // Players drop a picture another one overlaps, and with it what references it.
            assertTrue(spans[i][0] >= spans[i - 1][1] - 90, where + "picture " + i + " overlaps the one before: "
                    + Arrays.deepToString(spans));
        }
        assertEquals(presentationOrder.length - lost, samples.size(), where + "every picture that came is kept");
        segmenter.release();
        segmenter = null;
    }

    @Test
    void waitsForAKeyFrameAndLongerGopsMakeLongerSegments() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        // Start mid-GOP: frames before the first key frame cannot be decoded.
        feedVideo(30, 226, 45);
        List<MediaSegment> segments = segmenter.snapshot().segments();
        assertEquals(45 * 90 * 1000 / 30, segments.getFirst().startTime() - (VIDEO_OFFSET_MS + 67) * 90,
                "first segment starts at the first key frame (frame 45), when it presents");
        for (MediaSegment segment : segments) {
            assertEquals(270_000, segment.duration(), "cut at the first key frame at or after 2 s: 3 s");
        }
    }

    @Test
    void cutsAudioOnATwoSecondGrid() {
        segmenter(100, Duration.ZERO);
        segmenter.onTracks(List.of(AUDIO));
        long start = 480_000;
        for (int frame = 0; frame < 1000; frame++) {
            long dts = start + frame * 1024L;
            segmenter.onAccessUnit(new AccessUnit(2, dts, dts, 0, true, new byte[] {(byte) frame}));
        }
        List<MediaSegment> segments = segmenter.snapshot().segments();
        assertEquals(10, segments.size());
        for (MediaSegment segment : segments) {
            long boundary = start + segment.sequence() * 96_000;
            assertTrue(segment.startTime() >= boundary && segment.startTime() < boundary + 1024,
                    "segment " + segment.sequence() + " starts at " + segment.startTime() + ", grid " + boundary);
            assertEquals(48_000, segment.timescale());
            assertTrue(segment.parts().stream().allMatch(SegmentPart::independent));
        }
        assertEquals(96_000 * 10, segments.getLast().startTime() + segments.getLast().duration() - start, 1024);
    }

    @Test
    void evictsBeyondTheWindowAndReleasesOnlyWhenReadersAreDone() {
        segmenter(3, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 61, 60);
        MediaSegment first = segmenter.snapshot().segments().getFirst();
        ByteBuf held = first.retainedBody(PooledByteBufAllocator.DEFAULT);
        assertNotNull(held);
        int heldSize = held.readableBytes();

        feedVideo(61, 60 * 8 + 1, 60);
        RenditionSnapshot snapshot = segmenter.snapshot();
        assertEquals(3, snapshot.segments().size());
        assertEquals(5, snapshot.segments().getFirst().sequence());
        assertNull(snapshot.segment(4));
        assertFalse(first.parts().getFirst().bytes().isLive(), "evicted parts are let go");
        assertNull(first.retainedBody(PooledByteBufAllocator.DEFAULT), "an old snapshot cannot pin evicted bytes");
        assertEquals(heldSize, held.readableBytes(), "a slice taken before eviction stays readable");
        held.release();
    }

    @Test
    void keepsTheDvrWindowWhenItIsLongerThanTheMinimum() {
        segmenter(2, Duration.ofSeconds(6));
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 60 * 10 + 1, 60);
        assertEquals(3, segmenter.snapshot().segments().size(), "6 s of 2 s segments");
    }

    @Test
    void dropsUnitsThatGoBackwardsOrBelowZero() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        segmenter.onAccessUnit(new AccessUnit(1, -5, 0, 0, true, new byte[1]));
        feedVideo(0, 10, 60);
        segmenter.onAccessUnit(videoFrame(5, 60));
        assertEquals(2, segmenter.droppedUnits());
        segmenter.onUnpublished();
        assertEquals(10 * 3000, segmenter.snapshot().segments().getFirst().duration(), 100);
    }

    @Test
    void discontinuityClosesTheSegmentAndIsCounted() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 30, 60);
        segmenter.onDiscontinuity();
        clock.advance(Duration.ofSeconds(30));
        // The encoder restarted its clock.
        for (int frame = 0; frame < 61; frame++) {
            long dts = 500 + Math.round(frame * 1000 / 30.0);
            segmenter.onAccessUnit(new AccessUnit(1, dts, dts, 0, frame % 60 == 0, new byte[] {1}));
            if (frame == 20) {
                RenditionSnapshot during = segmenter.snapshot();
                assertFalse(during.openParts().isEmpty());
                assertTrue(during.openDiscontinuous(), "the parts of the segment after the break say so while it is written");
            }
        }
        assertFalse(segmenter.snapshot().openDiscontinuous(), "the next segment continues the new timeline");
        List<MediaSegment> segments = segmenter.snapshot().segments();
        assertEquals(2, segments.size());
        assertFalse(segments.get(0).discontinuity());
        assertEquals(0, segments.get(0).discontinuitySequence());
        assertTrue(segments.get(1).discontinuity());
        assertEquals(1, segments.get(1).discontinuitySequence());
        assertEquals(500 * 90, segments.get(1).startTime());
        assertEquals(START.plusSeconds(30), segments.get(1).programDateTime(), "re-anchored to the wall clock");
    }

    @Test
    void releaseLetsGoOfEverything() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(VIDEO));
        feedVideo(0, 100, 60);
        RenditionSnapshot snapshot = segmenter.snapshot();
        assertTrue(segmenter.storedBytes() > 0);
        segmenter.release();
        assertEquals(0, segmenter.storedBytes());
        assertNull(segmenter.snapshot());
        assertFalse(snapshot.init().isLive());
        assertFalse(snapshot.openParts().getFirst().bytes().isLive());
        segmenter.onAccessUnit(videoFrame(100, 60));
        assertNull(segmenter.snapshot());
    }

    @Test
    void picksTheVideoTrackOfAMixedRenditionAndIgnoresTheRest() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(AUDIO, VIDEO));
        assertTrue(segmenter.snapshot().isVideo());
        segmenter.onAccessUnit(new AccessUnit(2, 0, 0, 0, true, new byte[] {1}));
        feedVideo(0, 61, 60);
        assertEquals(1, segmenter.snapshot().segments().size());
        assertEquals(90_000, segmenter.snapshot().timescale());
    }

    @Test
    void leavesUnsupportedCodecsAlone() {
        segmenter(10, Duration.ZERO);
        segmenter.onTracks(List.of(TrackInfo.video(1, Codec.AV1, 90_000, 640, 360, 30, 0, new byte[] {1})));
        assertNull(segmenter.snapshot());
        segmenter.onAccessUnit(videoFrame(0, 60));
        segmenter.onUnpublished();
        assertNull(segmenter.snapshot(), "nothing to serve");
        assertEquals(LiveRendition.Lifecycle.ENDED, segmenter.lifecycle());
    }
}
