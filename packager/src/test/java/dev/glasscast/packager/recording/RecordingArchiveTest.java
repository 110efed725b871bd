package dev.glasscast.packager.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingArchiveTest {

    private static final StreamPath CAM = StreamPath.rendition("cam", "source");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private RecordingArchive archive;

    @AfterEach
    void closeArchive() throws Exception {
        if (archive != null) {
            archive.close();
        }
    }

    private RecordingArchive open() {
        archive = new RecordingArchive(dir, 64, clock);
        return archive;
    }

    private static RenditionSnapshot fourSegments() {
        return Snapshots.rendition("source", Snapshots.VIDEO_720, 40, new double[] {2, 2.5, 2, 1.5},
                new int[] {300, 200, 250, 100}, false);
    }

    private static void record(RecordingArchive archive, RenditionSnapshot snapshot, int from, int to) {
        InitSegment init = snapshot.inits().getFirst();
        for (int i = from; i < to; i++) {
            archive.closed(snapshot.path(), snapshot.track(), init, snapshot.segments().get(i));
        }
    }

    private List<String> indexLines() throws Exception {
        return Files.readAllLines(dir.resolve("cam/source/index.txt"));
    }

    @Test
    void eachSegmentIsRecordedAsItClosesAndTheIndexListsOnlyWrittenFiles() throws Exception {
        RenditionSnapshot live = fourSegments();
        open().started(CAM, false);
        record(archive, live, 0, 2);
        archive.flush();
        List<String> lines = indexLines();
        assertEquals("glasscast-recording 2", lines.getFirst());
        List<String> segmentLines = lines.stream().filter(l -> l.startsWith("segment ")).toList();
        assertEquals(2, segmentLines.size());
        for (String line : segmentLines) {
            String[] f = line.split(" ");
            Path file = dir.resolve("cam/source/seg" + f[1] + ".m4s");
            assertEquals(Long.parseLong(f[9]), Files.size(file), "listed bytes are on disk: " + line);
        }
        assertTrue(lines.contains("init 40"));
        assertTrue(Files.isRegularFile(dir.resolve("cam/source/init40.mp4")));
        // While the event goes on, the recording reads as (interrupted) ended media up to now.
        RenditionSnapshot partial = archive.find(CAM).orElseThrow();
        assertEquals(List.of(40L, 41L), partial.segments().stream().map(MediaSegment::sequence).toList());

        record(archive, live, 2, 4);
        clock.advance(java.time.Duration.ofSeconds(8));
        archive.ended(CAM);
        archive.flush();
        assertEquals("ended 2026-11-25T12:00:08Z", indexLines().getLast());
        assertEquals(4, archive.writtenSegments());
        assertEquals(0, archive.droppedSegments());

        archive.close();
        RecordingArchive reopened = open();
        RenditionSnapshot read = reopened.find(CAM).orElseThrow();
        assertTrue(read.ended());
        assertEquals(Instant.parse("2026-11-25T12:00:08Z"), read.updatedAt());
        assertEquals(live.track(), read.track());
        assertEquals(live.maxSegmentDuration(), read.maxSegmentDuration());
        assertEquals(List.of(40L, 41L, 42L, 43L), read.segments().stream().map(MediaSegment::sequence).toList());
        assertEquals(40, read.inits().getFirst().firstSequence());
        assertArrayEquals(bytes(live.init().retainedSlice()), bytes(read.init().retainedSlice()));
        for (int i = 0; i < 4; i++) {
            MediaSegment original = live.segments().get(i);
            MediaSegment copy = read.segments().get(i);
            assertFalse(copy.inMemory());
            assertEquals(original.startTime(), copy.startTime());
            assertEquals(original.duration(), copy.duration());
            assertEquals(original.programDateTime(), copy.programDateTime());
            assertArrayEquals(bytes(original), bytes(copy));
        }
        assertEquals(1, reopened.renditions("cam").size());
        assertTrue(reopened.renditions("other").isEmpty());
    }

    @Test
    void aStreamIsReportedRecordedOnceEveryRenditionOfItHasEnded() throws Exception {
        List<String> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
        archive = new RecordingArchive(dir, 64, clock, 0, null, recorded::add);
        StreamPath audio = StreamPath.rendition("cam", "audio");
        RenditionSnapshot live = fourSegments();
        archive.started(CAM, false);
        archive.started(audio, false);
        record(archive, live, 0, 2);
        archive.closed(audio, live.track(), live.inits().getFirst(), live.segments().get(0));
        archive.ended(CAM);
        archive.flush();
        assertEquals(List.of(), recorded, "the audio is still being recorded");
        archive.ended(audio);
        archive.flush();
        assertEquals(List.of("cam"), recorded);
        assertEquals("ended 2026-11-25T12:00:00Z", indexLines().getLast(), "reported once the end is on disk");
    }

    @Test
    void recordedGivesTheSegmentReadFromItsFileOnceDurable() throws Exception {
        RenditionSnapshot live = fourSegments();
        open().started(CAM, false);
        MediaSegment segment = live.segments().get(1);
        assertNull(archive.recorded(CAM, segment), "nothing written yet");
        record(archive, live, 0, 2);
        archive.flush();
        MediaSegment onDisk = archive.recorded(CAM, segment);
        assertNotNull(onDisk);
        assertFalse(onDisk.inMemory());
        assertEquals(segment.parts().size(), onDisk.parts().size());
        assertArrayEquals(bytes(segment), bytes(onDisk));
        for (int i = 0; i < segment.parts().size(); i++) {
            assertArrayEquals(bytes(segment.parts().get(i).bytes().retainedSlice()),
                    bytes(onDisk.parts().get(i).bytes().retainedSlice()), "part " + i);
        }
    }

    @Test
    void anInterruptedRecordingWithATornLastLineAndAMissingFileStillPlays() throws Exception {
        RenditionSnapshot live = fourSegments();
        open().started(CAM, false);
        record(archive, live, 0, 4);
        archive.flush();
        archive.close();
        archive = null;
        Path rendition = dir.resolve("cam/source");
        // A crash: segment 41's file lost, a half-written line and a temporary file left behind.
        Files.delete(rendition.resolve("seg41.m4s"));
        Files.writeString(rendition.resolve("index.txt"), "segment 44 0 0 12", StandardOpenOption.APPEND);
        Files.write(rendition.resolve("seg44.m4s.tmp"), new byte[] {1, 2, 3});

        RenditionSnapshot read = open().find(CAM).orElseThrow();
        assertTrue(read.ended(), "an interrupted recording reads as ended");
        assertEquals(live.segments().get(3).createdAt(), read.updatedAt());
        assertEquals(List.of(40L, 42L, 43L), read.segments().stream().map(MediaSegment::sequence).toList());
        assertTrue(read.segment(42).discontinuity(), "a gap is a discontinuity");
        assertFalse(read.segment(43).discontinuity());
        assertNull(read.segment(41));
        assertArrayEquals(bytes(live.segments().get(2)), bytes(read.segment(42)));
    }

    @Test
    void aReconnectContinuesTheRecordingAndANewEventMovesTheOldOneAside() throws Exception {
        RenditionSnapshot live = fourSegments();
        open().started(CAM, false);
        record(archive, live, 0, 2);
        archive.ended(CAM);
        archive.started(CAM, true);
        record(archive, live, 2, 3);
        archive.flush();
        RenditionSnapshot continued = archive.find(CAM).orElseThrow();
        assertEquals(List.of(40L, 41L, 42L), continued.segments().stream().map(MediaSegment::sequence).toList());
        assertTrue(continued.updatedAt().equals(live.segments().get(2).createdAt()), "no end after the last segment");

        archive.started(CAM, false);
        clock.advance(java.time.Duration.ofSeconds(1));
        record(archive, live, 3, 4);
        archive.flush();
        RenditionSnapshot fresh = archive.find(CAM).orElseThrow();
        assertEquals(List.of(43L), fresh.segments().stream().map(MediaSegment::sequence).toList());
        try (Stream<Path> siblings = Files.list(dir.resolve("cam"))) {
            List<String> names = siblings.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("source", "source." + Instant.parse("2026-11-25T12:00:01Z").toEpochMilli()), names);
        }
        assertEquals(1, archive.renditions("cam").size(), "the moved recording is not served");
    }

    @Test
    void segmentsClosedAfterCloseAreCountedAsDropped() throws Exception {
        RenditionSnapshot live = fourSegments();
        open().started(CAM, false);
        archive.close();
        record(archive, live, 0, 1);
        assertEquals(1, archive.droppedSegments());
    }

    @Test
    void readsVersionOneRecordings() throws Exception {
        Path rendition = Files.createDirectories(dir.resolve("cam/source"));
        Files.write(rendition.resolve("init40.mp4"), new byte[] {9, 9});
        Files.write(rendition.resolve("seg40.m4s"), new byte[] {1, 2, 3});
        Files.writeString(rendition.resolve("index.txt"), """
                glasscast-recording 1
                track 1 H264 90000 1280 720 30.0 0 0 0 0164001fffe10000
                max 180000
                ended 2026-11-25T12:00:09Z
                init 40
                segment 40 0 0 0 180000 90000 2026-11-25T12:00:00Z 2026-11-25T12:00:02Z
                """, StandardCharsets.UTF_8);
        RenditionSnapshot read = open().find(CAM).orElseThrow();
        assertEquals(Instant.parse("2026-11-25T12:00:09Z"), read.updatedAt());
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(read.segment(40)));
        assertEquals(180000, read.maxSegmentDuration());
    }

    private static byte[] bytes(MediaSegment segment) {
        return bytes(segment.retainedBody(UnpooledByteBufAllocator.DEFAULT));
    }

    private static byte[] bytes(ByteBuf body) {
        try {
            return ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
    }
}
