package dev.glasscast.packager.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.TestOrigins;
import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentStoreLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link RecordingArchive} within {@code recordings_max_bytes}: segments of 10,000 bytes, so the
 * index lines and init segments (under 1,000 bytes per recording) do not blur the arithmetic.
 */
class RecordingRetentionTest {

    private static final int SEGMENT_BYTES = 10_000;
    /** What the live store keeps: 6 s of 2 s segments, so the newest 3 segments are never trimmed. */
    private static final SegmentStoreLimits KEPT =
            new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofMillis(500), 2, Duration.ofSeconds(6));
    private static final StreamPath CAM = StreamPath.rendition("cam", "source");
    /** Every class of the archive that logs what the tests check. */
    private static final List<Class<?>> LOGGING = List.of(RecordingArchive.class, RecordingRetention.class,
            RecordingWriter.class, RecordingTrimmer.class, RecordingLookup.class, RecordingIndex.class,
            RecordingInProgress.class);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private RecordingArchive archive;

    @BeforeEach
    void captureLogs() {
        logs.start();
        for (Class<?> type : LOGGING) {
            ((Logger) LoggerFactory.getLogger(type)).addAppender(logs);
        }
    }

    @AfterEach
    void closeArchive() throws Exception {
        for (Class<?> type : LOGGING) {
            ((Logger) LoggerFactory.getLogger(type)).detachAppender(logs);
        }
        if (archive != null) {
            archive.close();
        }
    }

    private RecordingArchive open(long maxBytes) throws Exception {
        if (archive != null) {
            archive.close();
        }
        archive = new RecordingArchive(dir, 64, clock, maxBytes, KEPT);
        return archive;
    }

    /** {@code count} segments of 2 s and {@link #SEGMENT_BYTES}, each with bytes of its own. */
    private static RenditionSnapshot media(int count) {
        double[] durations = new double[count];
        Arrays.fill(durations, 2);
        int[] sizes = new int[count];
        Arrays.fill(sizes, SEGMENT_BYTES);
        return Snapshots.rendition("source", Snapshots.VIDEO_720, 40, durations, sizes, false);
    }

    private void record(StreamPath path, RenditionSnapshot media, int from, int to) {
        for (int i = from; i < to; i++) {
            archive.closed(path, media.track(), media.inits().getFirst(), media.segments().get(i));
        }
    }

    /** A whole event: every rendition starts, records {@code segments} and ends. */
    private void event(String stream, List<String> renditions, RenditionSnapshot media, int segments) throws Exception {
        for (String rendition : renditions) {
            archive.started(StreamPath.rendition(stream, rendition), false);
        }
        for (String rendition : renditions) {
            record(StreamPath.rendition(stream, rendition), media, 0, segments);
        }
        for (String rendition : renditions) {
            archive.ended(StreamPath.rendition(stream, rendition));
        }
        archive.flush();
        clock.advance(Duration.ofMinutes(1));
    }

    private long bytesUnder(Path path) throws IOException {
        if (!Files.exists(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(path)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** {@code <stream>/<directory>} of every recording directory, sorted. */
    private List<String> recordingDirectories() throws IOException {
        try (Stream<Path> all = Files.walk(dir, 2)) {
            return all.filter(p -> p.getNameCount() == dir.getNameCount() + 2 && Files.isDirectory(p))
                    .map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private List<String> messages(Level level, String containing) {
        return logs.list.stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(containing)).toList();
    }

    private static List<Long> sequences(RenditionSnapshot snapshot) {
        return snapshot.segments().stream().map(MediaSegment::sequence).toList();
    }

    private static void assertSameBytes(RenditionSnapshot expected, RenditionSnapshot actual) {
        for (MediaSegment segment : actual.segments()) {
            MediaSegment original = expected.segment(segment.sequence());
            assertArrayEquals(bytes(original.retainedBody(UnpooledByteBufAllocator.DEFAULT)),
                    bytes(segment.retainedBody(UnpooledByteBufAllocator.DEFAULT)), "segment " + segment.sequence());
        }
    }

    @Test
    void olderEventsAreDeletedWholeAndOldestFirstWhileTheNewestStaysPlayable() throws Exception {
        // Each rendition of an event of 3 segments takes about 31,100 bytes.
        open(165_000);
        RenditionSnapshot media = media(6);
        event("cam", List.of("hi", "lo"), media, 3);
        long eventA = bytesUnder(dir.resolve("cam"));
        event("studio", List.of("source"), media, 3);
        long eventS = bytesUnder(dir.resolve("studio"));
        // A new event moves the previous one aside, named by the time of its first segment.
        String movedA = "." + clock.millis();
        event("cam", List.of("hi", "lo"), media, 3);
        String movedB = "." + clock.millis();
        long eventB = bytesUnder(dir.resolve("cam")) - eventA;
        assertEquals(List.of("cam/hi", "cam/hi" + movedA, "cam/lo", "cam/lo" + movedA, "studio/source"),
                recordingDirectories());
        assertEquals(0, archive.prunedBytes(), "155,500 bytes: within the limit");

        // Event C passes the limit: event A goes, both its renditions, though one would have done.
        StreamPath hi = StreamPath.rendition("cam", "hi");
        StreamPath lo = StreamPath.rendition("cam", "lo");
        archive.started(hi, false);
        archive.started(lo, false);
        record(hi, media, 0, 3);
        record(lo, media, 0, 3);
        archive.flush();
        assertEquals(List.of("cam/hi", "cam/hi" + movedB, "cam/lo", "cam/lo" + movedB, "studio/source"),
                recordingDirectories());
        assertEquals(eventA, archive.prunedBytes());

        // Then the other stream's event, older than B.
        record(hi, media, 3, 4);
        record(lo, media, 3, 4);
        archive.flush();
        assertEquals(List.of("cam/hi", "cam/hi" + movedB, "cam/lo", "cam/lo" + movedB), recordingDirectories());
        assertEquals(eventA + eventS, archive.prunedBytes());

        // Then B; C, still being recorded, is whole.
        record(hi, media, 4, 6);
        record(lo, media, 4, 6);
        archive.flush();
        assertEquals(List.of("cam/hi", "cam/lo"), recordingDirectories());
        assertEquals(eventA + eventS + eventB, archive.prunedBytes());
        assertTrue(bytesUnder(dir) <= 165_000, bytesUnder(dir) + " bytes");
        for (RenditionSnapshot read : archive.renditions("cam")) {
            assertEquals(List.of(40L, 41L, 42L, 43L, 44L, 45L), sequences(read));
            assertSameBytes(media, read);
            assertArrayEquals(bytes(media.init().retainedSlice()), bytes(read.init().retainedSlice()));
        }

        assertEquals(List.of("cam/hi" + movedA, "cam/lo" + movedA, "studio/source", "cam/hi" + movedB, "cam/lo" + movedB),
                messages(Level.WARN, "deleted the finished recording").stream()
                        .map(m -> m.replaceAll(".*deleted the finished recording (\\S+) .*", "$1")).toList(),
                "one warning per recording deleted, oldest first");
        assertTrue(messages(Level.WARN, "deleted the finished recording cam/hi" + movedA).getFirst()
                .contains("over packaging.recordings_max_bytes (165000)"));
    }

    @Test
    void aLongLiveRecordingIsTrimmedFromItsHeadAndStillReadsTheSegmentsItKeeps() throws Exception {
        long limit = 80_000;
        open(limit);
        RenditionSnapshot media = media(20);
        // Segments 50 on decode with a new init segment (e.g. the publisher changed its encoder).
        InitSegment secondInit = new InitSegment(50, Snapshots.bytes(640, 8), media.track());
        Map<Long, String> segmentLines = new LinkedHashMap<>();
        String trackLine = null;
        archive.started(CAM, false);
        for (int i = 0; i < 20; i++) {
            MediaSegment segment = media.segments().get(i);
            archive.closed(CAM, media.track(), i < 10 ? media.inits().getFirst() : secondInit, segment);
            archive.flush();
            trackLine = trackLine != null ? trackLine
                    : indexLines().stream().filter(l -> l.startsWith("track ")).findFirst().orElseThrow();
            for (String line : indexLines()) {
                if (line.startsWith("segment ")) {
                    segmentLines.putIfAbsent(Long.parseLong(line.split(" ")[1]), line);
                }
            }
            assertTrue(bytesUnder(dir) <= limit, "after segment " + segment.sequence() + ": " + bytesUnder(dir));
        }
        assertEquals(20, segmentLines.size(), "every segment was listed once");

        List<String> lines = indexLines();
        List<Long> kept = lines.stream().filter(l -> l.startsWith("segment "))
                .map(l -> Long.parseLong(l.split(" ")[1])).toList();
        long first = kept.getFirst();
        assertTrue(first > 50 && kept.size() >= 3, "trimmed to the newest segments: " + kept);
        assertEquals(59, kept.getLast());
        assertEquals(59 - first + 1, kept.size(), "no gap: " + kept);
        List<String> expected = new ArrayList<>(List.of("glasscast-recording 2", trackLine, "init 50"));
        for (long sequence = first; sequence <= 59; sequence++) {
            expected.add(segmentLines.get(sequence));
        }
        assertEquals(expected, lines, "the kept lines as written, after the track and init lines they need");

        Path rendition = dir.resolve("cam/source");
        assertFalse(Files.exists(rendition.resolve("init40.mp4")), "nothing decodes with it any more");
        assertArrayEquals(bytes(secondInit.bytes().retainedSlice()), Files.readAllBytes(rendition.resolve("init50.mp4")));
        for (long sequence = 40; sequence <= 59; sequence++) {
            assertEquals(sequence >= first, Files.exists(rendition.resolve("seg" + sequence + ".m4s")), "seg" + sequence);
        }
        try (Stream<Path> files = Files.list(rendition)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }

        RenditionSnapshot read = archive.find(CAM).orElseThrow();
        assertEquals(kept, sequences(read));
        assertFalse(read.segments().getFirst().discontinuity(), "a trimmed head is a start, not a gap");
        assertSameBytes(media, read);
        assertArrayEquals(bytes(secondInit.bytes().retainedSlice()), bytes(read.init().retainedSlice()));
        assertNull(archive.fileOf(CAM, first - 1), "trimmed segments are no longer offered for sendfile");
        assertEquals(rendition.resolve("seg" + first + ".m4s"), archive.fileOf(CAM, first));

        archive.close();
        archive = null;
        RenditionSnapshot afterRestart = new RecordingArchive(dir, 64, clock).find(CAM).orElseThrow();
        assertEquals(kept, sequences(afterRestart));
        assertSameBytes(media, afterRestart);

        List<String> trims = messages(Level.WARN, "trimmed segments 40 to ");
        assertEquals(1, trims.size(), String.join("\n", messages(Level.WARN, "")));
        assertTrue(trims.getFirst().contains("from the start of cam/source, which is being recorded"), trims.getFirst());
    }

    @Test
    void theDvrWindowOfALiveRecordingIsNeverTrimmedEvenOverTheLimit() throws Exception {
        open(1_000);
        RenditionSnapshot media = media(10);
        archive.started(CAM, false);
        for (int i = 0; i < 10; i++) {
            record(CAM, media, i, i + 1);
            archive.flush();
        }
        RenditionSnapshot read = archive.find(CAM).orElseThrow();
        assertEquals(List.of(47L, 48L, 49L), sequences(read), "what the live store holds (6 s) stays");
        assertSameBytes(media, read);
        assertEquals(1, messages(Level.WARN, "within the DVR window, which is never deleted").size(),
                "said once, not at every segment");
    }

    @Test
    void startUpCountsWhatIsOnDiskAndPrunesTheOldestAtOnce() throws Exception {
        // Recorded by an earlier run without a limit: x (oldest), then y on another stream, then z.
        archive = new RecordingArchive(dir, 64, clock);
        RenditionSnapshot media = media(3);
        event("cam", List.of("source"), media, 3);
        event("studio", List.of("source"), media, 3);
        String movedX = "cam/source." + clock.millis();
        event("cam", List.of("source"), media, 3);
        archive.close();
        archive = null;
        // Ages come from the files' times; set them apart by hours, against the names' order.
        touch(dir.resolve(movedX), Instant.parse("2026-11-25T09:00:00Z"));
        touch(dir.resolve("studio/source"), Instant.parse("2026-11-25T10:00:00Z"));
        touch(dir.resolve("cam/source"), Instant.parse("2026-11-25T11:00:00Z"));
        long x = bytesUnder(dir.resolve(movedX));
        long all = bytesUnder(dir);

        open(all - 1).flush();
        assertEquals(List.of("cam/source", "studio/source"), recordingDirectories());
        assertEquals(x, archive.prunedBytes());
        assertEquals(0, archive.writtenSegments());
        assertEquals(List.of(40L, 41L, 42L), sequences(archive.find(CAM).orElseThrow()));

        open(all - 1).flush();
        assertEquals(0, archive.prunedBytes(), "counted again from the disk: within the limit");
        assertEquals(List.of("cam/source", "studio/source"), recordingDirectories());

        open(all - x - 1).flush();
        assertEquals(List.of("cam/source"), recordingDirectories(), "the other stream's older event went");
    }

    @Test
    void aLimitTheDiskCannotHoldIsSaidAtStart() throws Exception {
        // The recordings directory does not exist yet: a first start.
        archive = new RecordingArchive(dir.resolve("recordings"), 64, clock, Long.MAX_VALUE / 4, KEPT);
        archive.flush();
        assertEquals(1, messages(Level.WARN, "it will fill before the limit is reached").size());
        open(1_000_000).flush();
        assertEquals(1, messages(Level.WARN, "it will fill before the limit is reached").size(), "1 MB fits");
    }

    private static void touch(Path recording, Instant at) throws IOException {
        try (Stream<Path> files = Files.list(recording)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(at));
            }
        }
    }

    @Test
    void aFailedWriteLosesItsSegmentNotTheRecording() throws Exception {
        open(0);
        RenditionSnapshot media = media(6);
        InitSegment secondInit = new InitSegment(44, Snapshots.bytes(640, 8), media.track());
        archive.started(CAM, false);
        record(CAM, media, 0, 1);
        archive.flush();
        // A directory where a temporary file goes makes exactly that write fail (even for root,
        // whom permissions do not stop): segments 41 and 42, then the new init segment with 44.
        Path rendition = dir.resolve("cam/source");
        for (String blocked : List.of("seg41.m4s.tmp", "seg42.m4s.tmp", "init44.mp4.tmp")) {
            Files.createDirectory(rendition.resolve(blocked));
        }
        for (int i = 1; i < 6; i++) {
            archive.closed(CAM, media.track(), i < 4 ? media.inits().getFirst() : secondInit, media.segments().get(i));
        }
        archive.flush();

        assertEquals(3, archive.droppedSegments());
        assertEquals(3, archive.writtenSegments());
        List<String> lines = indexLines();
        assertEquals(List.of("40 0 0", "43 0 1", "45 0 1"), lines.stream().filter(l -> l.startsWith("segment "))
                        .map(l -> String.join(" ", Arrays.copyOfRange(l.split(" "), 1, 4))).toList(),
                "a segment after lost ones starts a discontinuity");
        assertEquals("init 44", lines.get(lines.size() - 2), "the init segment was written with the next segment");
        RenditionSnapshot read = archive.find(CAM).orElseThrow();
        assertEquals(List.of(40L, 43L, 45L), sequences(read));
        assertFalse(read.segment(40).discontinuity());
        assertTrue(read.segment(43).discontinuity());
        assertTrue(read.segment(45).discontinuity());
        assertSameBytes(media, read);
        assertEquals(List.of(40L, 44L), read.inits().stream().map(InitSegment::firstSequence).toList());
        assertArrayEquals(bytes(secondInit.bytes().retainedSlice()), bytes(read.init().retainedSlice()));
        try (Stream<Path> files = Files.list(rendition)) {
            assertEquals(List.of("index.txt", "init40.mp4", "init44.mp4", "seg40.m4s", "seg43.m4s", "seg45.m4s"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing half-written left");
        }
        assertEquals(2, messages(Level.ERROR, "RECORDING GAP").size(), "once per streak of failures");
        assertEquals(List.of("recording cam/source again from segment 43: 2 segments",
                        "recording cam/source again from segment 45: 1 segments"),
                messages(Level.WARN, "again from segment").stream().map(m -> m.substring(0, m.indexOf(" segments") + 9))
                        .toList());
    }

    @Test
    void aRequestRacingADeletionIsAMissNotAnError() throws Exception {
        open(50_000);
        RenditionSnapshot media = media(3);
        event("cam", List.of("source"), media, 3);
        RenditionSnapshot found = archive.find(CAM).orElseThrow();
        // A request that found the recording just before another stream's recording pushed it out.
        RenditionLookup foundEarlier = new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath rendition) {
                return Optional.of(found);
            }

            @Override
            public List<RenditionSnapshot> renditions(String stream) {
                return List.of(found);
            }
        };
        event("studio", List.of("source"), media, 3);
        assertEquals(List.of("studio/source"), recordingDirectories());

        assertNull(found.segment(41).retainedBody(UnpooledByteBufAllocator.DEFAULT));
        assertNull(found.init().retainedSlice());
        MediaOrigin raced = TestOrigins.over(foundEarlier);
        assertEquals(404, status(raced, "seg41.m4s"));
        assertEquals(404, status(raced, "init40.mp4"));
        MediaOrigin later = TestOrigins.over(archive);
        assertEquals(404, status(later, "seg41.m4s"));
        assertEquals(404, status(later, "index.m3u8"));
        assertTrue(archive.find(CAM).isEmpty());
        assertTrue(archive.renditions("cam").isEmpty());
        assertEquals(List.of(), messages(Level.WARN, "cannot read recording"));
    }

    private static int status(MediaOrigin origin, String resource) throws Exception {
        OriginResponse response = origin.render(OriginRequest.of("cam", "source", resource))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (response.body() != null) {
            response.body().release();
        }
        return response.status();
    }

    private List<String> indexLines() throws IOException {
        return Files.readAllLines(dir.resolve("cam/source/index.txt"));
    }

    private static byte[] bytes(ByteBuf body) {
        try {
            return ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
    }
}
