package dev.glasscast.packager.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.recording.RecordingIndex.IndexedSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link RecordingIndex} writes, it parses back the same. */
class RecordingIndexTest {

    private static final StreamPath CAM = StreamPath.rendition("cam", "source");
    private static final Instant ENDED = Instant.parse("2026-11-25T12:05:00.125Z");

    @TempDir
    Path dir;

    /** Writes an index of {@code media} (one period from its first segment, segment 41 a discontinuity) and its files. */
    private void record(RenditionSnapshot media, boolean ended) throws Exception {
        long first = media.segments().getFirst().sequence();
        StringBuilder index = new StringBuilder(RecordingIndex.header())
                .append(RecordingIndex.periodLines(media.track(), first));
        Files.write(RecordingIndex.initFile(dir, first), new byte[700]);
        for (MediaSegment segment : media.segments()) {
            index.append(RecordingIndex.segmentLine(segment, segment.sequence() == 41));
            Files.write(RecordingIndex.segmentFile(dir, segment.sequence()), new byte[(int) segment.size()]);
        }
        if (ended) {
            index.append(RecordingIndex.endedLine(ENDED));
        }
        Files.writeString(dir.resolve(RecordingIndex.FILE), index, StandardCharsets.UTF_8);
    }

    private static void assertSameTrack(TrackInfo expected, TrackInfo actual) {
        assertEquals(expected.trackId(), actual.trackId());
        assertEquals(expected.codec(), actual.codec());
        assertEquals(expected.timescale(), actual.timescale());
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.frameRate(), actual.frameRate());
        assertEquals(expected.sampleRate(), actual.sampleRate());
        assertEquals(expected.channels(), actual.channels());
        assertEquals(expected.bitrate(), actual.bitrate());
        assertArrayEquals(expected.codecConfig(), actual.codecConfig());
    }

    @Test
    void whatIsWrittenParsesBackTheSame() throws Exception {
        for (TrackInfo track : List.of(Snapshots.VIDEO_360, Snapshots.AUDIO)) {
            RenditionSnapshot media = Snapshots.rendition("source", track, 40, new double[] {2, 2.5, 1.75},
                    new int[] {1000, 1500, 800}, false);
            record(media, true);

            RenditionSnapshot read = RecordingIndex.load(CAM, dir);

            assertSameTrack(track, read.track());
            assertEquals(List.of(40L), read.inits().stream().map(i -> i.firstSequence()).toList());
            assertEquals(700, read.init().size());
            assertEquals(media.segments().size(), read.segments().size());
            for (int i = 0; i < media.segments().size(); i++) {
                MediaSegment written = media.segments().get(i);
                MediaSegment parsed = read.segments().get(i);
                assertEquals(written.sequence(), parsed.sequence());
                assertEquals(written.discontinuitySequence(), parsed.discontinuitySequence());
                assertEquals(written.sequence() == 41, parsed.discontinuity());
                assertEquals(written.startTime(), parsed.startTime());
                assertEquals(written.duration(), parsed.duration());
                assertEquals(written.timescale(), parsed.timescale());
                assertEquals(written.programDateTime(), parsed.programDateTime());
                assertEquals(written.createdAt(), parsed.createdAt());
                assertEquals(written.size(), parsed.size());
                assertEquals(RecordingIndex.segmentFile(dir, written.sequence()), parsed.file().file());
            }
            assertTrue(read.ended());
            assertEquals(ENDED, read.updatedAt());
            assertEquals(43, read.nextSequence());
            assertEquals(Math.round(2.5 * media.timescale()), read.maxSegmentDuration());
        }
    }

    @Test
    void withoutAnEndedLineTheRecordingEndsWithItsLastSegment() throws Exception {
        RenditionSnapshot media = Snapshots.rendition("source", Snapshots.VIDEO_720, 40, new double[] {2, 2},
                new int[] {1000, 1000}, false);
        record(media, false);

        RenditionSnapshot read = RecordingIndex.load(CAM, dir);

        assertTrue(read.ended());
        assertEquals(media.segments().getLast().createdAt(), read.updatedAt());
    }

    @Test
    void aTrimmedIndexReadsTheSameFromItsFirstKeptSegment() throws Exception {
        RenditionSnapshot media = Snapshots.rendition("source", Snapshots.VIDEO_720, 40, new double[] {2, 2, 2},
                new int[] {1000, 1100, 1200}, false);
        record(media, true);
        List<String> lines = RecordingIndex.completeLines(dir);
        List<IndexedSegment> segments = RecordingIndex.segmentsForTrim(lines);
        assertEquals(List.of(40L, 41L, 42L), segments.stream().map(IndexedSegment::sequence).toList());
        assertEquals(List.of(1000L, 1100L, 1200L), segments.stream().map(IndexedSegment::bytes).toList());
        assertEquals(2_000_000_000L, segments.getFirst().durationNanos());
        assertEquals(40, segments.getLast().initSequence());

        Files.write(dir.resolve(RecordingIndex.FILE), RecordingIndex.trimmed(lines, segments.get(1)));
        RenditionSnapshot read = RecordingIndex.load(CAM, dir);

        assertEquals(List.of(41L, 42L), read.segments().stream().map(MediaSegment::sequence).toList());
        assertSameTrack(Snapshots.VIDEO_720, read.track());
        assertEquals(ENDED, read.updatedAt());
    }
}
