package dev.glasscast.packager.recording;

import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionRecorder;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentBytes;
import dev.glasscast.packager.window.SegmentPart;
import dev.glasscast.packager.window.SegmentStoreLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recordings written as they happen: every segment of every rendition, as it closes, goes to
 * {@code <root>/<stream>/<rendition>/} ({@code init{N}.mp4}, {@code seg{N}.m4s}) and is then
 * appended to a text {@code index.txt}. One recording per event: a reconnect continues it (with a
 * discontinuity), a new event moves the previous recording aside to {@code <rendition>.<millis>}
 * (not a valid rendition name, so never served, but kept for the operator).
 *
 * <p>Durability order: a media file is written to a temporary name, forced to disk and renamed;
 * only then is its index line appended and the index forced. So the index never lists a segment
 * whose bytes are not on disk, and after a crash or {@code kill -9} the recording plays up to the
 * last listed segment: a recording without an {@code ended} line after its last segment is read as
 * ended (interrupted), a torn last line and {@code .tmp} files are ignored.
 *
 * <p>Index format, version 2 (version 1, written whole when a publisher stopped, is still read):
 * <pre>
 * glasscast-recording 2
 * track &lt;id&gt; &lt;codec&gt; &lt;timescale&gt; &lt;width&gt; &lt;height&gt; &lt;fps&gt; &lt;rate&gt; &lt;channels&gt; &lt;bitrate&gt; &lt;config hex&gt;
 * init &lt;first sequence&gt;
 * segment &lt;seq&gt; &lt;discontinuity seq&gt; &lt;0|1&gt; &lt;start&gt; &lt;duration&gt; &lt;timescale&gt; &lt;pdt&gt; &lt;created&gt; &lt;bytes&gt;
 * ended &lt;instant&gt;
 * </pre>
 * ({@code track} + {@code init} again at each new init segment; {@code ended} at each stop.)
 *
 * <p>Disk use is bounded ({@code maxBytes}, see {@link RecordingRetention}): after each written
 * segment that takes the recordings past it, whole finished recordings are deleted, oldest first;
 * if only recordings being written are left, their oldest segments are trimmed, never what the
 * live store may still hold of them (its DVR window, {@code kept}). A trim rewrites the index
 * whole and durably (temporary file, forced, renamed, directory forced) before deleting any file,
 * with the {@code track}/{@code init} lines of the first segment kept, so the recording reads the
 * same from its new first segment on (a start, not a discontinuity) whenever a crash comes.
 *
 * <p>A write that fails (disk full) loses that segment, not the recording: the next segment tries
 * again (and is marked as a discontinuity, like any gap). The failure is logged once per streak
 * of failed segments and again when recording works again; every lost segment is counted.
 *
 * <p>Threading: the {@link RenditionRecorder} methods run on publishing threads and only queue;
 * one writer thread of its own does all writing and pruning. Segments queue up to
 * {@code maxQueuedSegments}; beyond that a segment is not recorded, which is logged as an error and
 * counted ({@link #droppedSegments()}); the next recorded segment then starts a discontinuity. Reads
 * ({@link RenditionLookup}) may come from any thread; they read the index only, segment bytes are
 * read from disk when served ({@link SegmentBytes#onDisk}). Names come from validated
 * {@link StreamPath}s, so no path can leave the root.
 */
public final class RecordingArchive implements RenditionLookup, RenditionRecorder, RecordedSegmentFiles, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordingArchive.class);
    static final String INDEX = "index.txt";
    private static final String MAGIC_V1 = "glasscast-recording 1";
    private static final String MAGIC = "glasscast-recording 2";
    /** Recorded sequence numbers remembered per rendition for {@link #recorded}, at most. */
    private static final int DURABLE_REMEMBERED = 10_000;

    private sealed interface Task permits Start, Closed, End, Barrier, Stop {
    }

    private record Start(StreamPath path, boolean continuesEarlier) implements Task {
    }

    /** {@code init} and {@code body} are retained slices the writer releases. */
    private record Closed(StreamPath path, TrackInfo track, long initFirstSequence, ByteBuf init, MediaSegment segment,
                          ByteBuf body) implements Task {
    }

    private record End(StreamPath path, Instant at) implements Task {
    }

    private record Barrier(CountDownLatch done) implements Task {
    }

    private record Stop() implements Task {
    }

    /** The writer thread's state of one rendition's current recording. */
    private static final class Recording {
        final StreamPath path;
        final Path dir;
        /** Not written yet: {@link #dir} still holds the previous event's recording, if any. */
        boolean fresh;
        /** Open while writing works; closed after a failure, reopened by the next segment. */
        FileChannel index;
        /** Bytes of the index up to its last complete line: what a reopened index is cut back to. */
        long indexLength;
        long lastInit = -1;
        long lastSequence = -1;
        /** The publisher stopped (until a reconnect continues it): a finished recording for retention. */
        boolean ended;
        /** Segments lost to write failures since the last one written; 0 while writing works. */
        long failedInARow;

        Recording(StreamPath path, Path dir, boolean fresh) {
            this.path = path;
            this.dir = dir;
            this.fresh = fresh;
        }

        boolean beingWritten() {
            return !fresh && !ended;
        }
    }

    private record Loaded(FileTime indexTime, long indexSize, RenditionSnapshot snapshot) {
    }

    private final Path root;
    private final Clock clock;
    private final int maxQueuedSegments;
    private final RecordingRetention retention;
    private final SegmentStoreLimits kept;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedSegments = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Map<StreamPath, ConcurrentSkipListMap<Long, Path>> durable = new ConcurrentHashMap<>();
    private final Map<StreamPath, Loaded> loaded = new ConcurrentHashMap<>();
    /** Writer thread only. */
    private final Map<StreamPath, Recording> recordings = new HashMap<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * Recordings without a limit on their bytes.
     *
     * @param root              the recordings directory, e.g. {@code <data_dir>/recordings}
     * @param maxQueuedSegments how many closed segments may wait for the writer (their bytes are
     *                          held meanwhile) before segments are dropped from the recording
     * @param clock             for the {@code ended} lines
     */
    public RecordingArchive(Path root, int maxQueuedSegments, Clock clock) {
        this(root, maxQueuedSegments, clock, 0, null);
    }

    /**
     * @param maxBytes how many bytes all recordings under {@code root} may take, 0 for no limit;
     *                 what is there already counts (measured once, at start)
     * @param kept     what the live store keeps of each rendition (its DVR window): never trimmed
     *                 from a recording being written; may be null only without a limit
     */
    public RecordingArchive(Path root, int maxQueuedSegments, Clock clock, long maxBytes, SegmentStoreLimits kept) {
        if (maxQueuedSegments < 1) {
            throw new IllegalArgumentException("maxQueuedSegments must be at least 1: " + maxQueuedSegments);
        }
        if (maxBytes > 0 && kept == null) {
            throw new IllegalArgumentException("a limit on the recordings' bytes needs the live store's limits");
        }
        this.root = root;
        this.clock = clock;
        this.maxQueuedSegments = maxQueuedSegments;
        this.retention = new RecordingRetention(root, maxBytes);
        this.kept = kept;
        this.writer = Thread.ofPlatform().name("recorder").daemon().start(this::writeLoop);
    }

    /** Segments not recorded because the writer fell behind or the disk failed. */
    public long droppedSegments() {
        return dropped.get();
    }

    /** Segments recorded durably since start. */
    public long writtenSegments() {
        return written.get();
    }

    /** Bytes of recordings deleted since start to keep within the limit. */
    public long prunedBytes() {
        return retention.prunedBytes();
    }

    // ---- publishing threads: queue only ----

    @Override
    public void started(StreamPath path, boolean continuesEarlier) {
        if (!path.isSource()) {
            enqueue(new Start(path, continuesEarlier));
        }
    }

    @Override
    public void closed(StreamPath path, TrackInfo track, InitSegment init, MediaSegment segment) {
        if (path.isSource()) {
            return;
        }
        if (closed || queuedSegments.incrementAndGet() > maxQueuedSegments) {
            if (!closed) {
                queuedSegments.decrementAndGet();
            }
            drop(path, segment.sequence(), closed ? "the archive is closed" : "the recorder is " + maxQueuedSegments
                    + " segments behind (disk too slow?)");
            return;
        }
        ByteBuf initBytes = init.bytes().retainedSlice();
        ByteBuf body = initBytes == null ? null : segment.retainedBody(UnpooledByteBufAllocator.DEFAULT);
        if (body == null) {
            if (initBytes != null) {
                initBytes.release();
            }
            queuedSegments.decrementAndGet();
            drop(path, segment.sequence(), "its bytes were already released");
            return;
        }
        queue.add(new Closed(path, track, init.firstSequence(), initBytes, segment, body));
    }

    @Override
    public void ended(StreamPath path) {
        if (!path.isSource()) {
            enqueue(new End(path, clock.instant()));
        }
    }

    @Override
    public Path fileOf(StreamPath path, long sequence) {
        ConcurrentSkipListMap<Long, Path> files = durable.get(path);
        return files == null ? null : files.get(sequence);
    }

    @Override
    public MediaSegment recorded(StreamPath path, MediaSegment segment) {
        ConcurrentSkipListMap<Long, Path> files = durable.get(path);
        Path file = files == null ? null : files.remove(segment.sequence());
        return file == null ? null : segment.onDisk(file);
    }

    private void enqueue(Task task) {
        if (closed) {
            log.error("recording event {} after the archive closed: not recorded", task);
            return;
        }
        queue.add(task);
    }

    private void drop(StreamPath path, long sequence, String why) {
        long count = dropped.incrementAndGet();
        log.error("RECORDING GAP: segment {} of {} not recorded: {} ({} dropped so far)", sequence, path, why, count);
    }

    /** Counts a segment lost to a failed write; logs only the first of a streak. */
    private void failed(Recording recording, long sequence, Exception why) {
        long count = dropped.incrementAndGet();
        if (recording.failedInARow++ == 0) {
            log.error("RECORDING GAP: segment {} of {} not recorded: writing failed: {}; each next segment tries"
                    + " again, and recording working again is logged ({} dropped so far)", sequence, recording.path,
                    why.toString(), count);
        }
    }

    /** Waits (30 s at most) until everything queued so far is written. */
    public void flush() throws InterruptedException {
        if (!writer.isAlive()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        queue.add(new Barrier(done));
        if (!done.await(30, TimeUnit.SECONDS)) {
            log.warn("recorder still busy after 30 s; {} segments queued", queuedSegments.get());
        }
    }

    /** Writes what is queued (e.g. the ends of renditions stopped at shutdown), then stops the writer. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Stop());
        writer.join(TimeUnit.SECONDS.toMillis(30));
        if (writer.isAlive()) {
            log.error("recorder still writing after 30 s at shutdown; {} segments queued", queuedSegments.get());
        }
    }

    // ---- writer thread ----

    private void writeLoop() {
        try {
            retention.scan();
            keepWithinLimit();
        } catch (RuntimeException bug) {
            log.error("recorder failed to measure the recordings", bug);
        }
        while (true) {
            Task task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                switch (task) {
                    case Start start -> start(start);
                    case Closed segment -> {
                        queuedSegments.decrementAndGet();
                        write(segment);
                    }
                    case End end -> end(end);
                    case Barrier barrier -> barrier.done().countDown();
                    case Stop stop -> {
                        closeAll();
                        discardLateTasks();
                        return;
                    }
                }
            } catch (RuntimeException bug) {
                log.error("recorder failed on {}", task, bug);
            }
        }
        closeAll();
    }

    /** Releases what was queued after the stop (a segment racing {@link #close()}). */
    private void discardLateTasks() {
        for (Task late; (late = queue.poll()) != null; ) {
            if (late instanceof Closed segment) {
                segment.init().release();
                segment.body().release();
                drop(segment.path(), segment.segment().sequence(), "the archive is closed");
            } else if (late instanceof Barrier barrier) {
                barrier.done().countDown();
            }
        }
    }

    private void start(Start start) {
        Recording current = recordings.get(start.path());
        if (start.continuesEarlier() && current != null) {
            return;
        }
        if (current != null) {
            closeIndex(current);
        }
        durable.remove(start.path());
        recordings.put(start.path(), newRecording(start.path()));
    }

    private Recording newRecording(StreamPath path) {
        return new Recording(path, directory(path), true);
    }

    private void write(Closed task) {
        try {
            Recording recording = recordings.computeIfAbsent(task.path(), this::newRecording);
            recording.ended = false;
            try {
                writeSegment(recording, task);
            } catch (IOException | RuntimeException e) {
                closeIndex(recording);
                failed(recording, task.segment().sequence(), e);
                return;
            }
            if (recording.failedInARow > 0) {
                log.warn("recording {} again from segment {}: {} segments before it were lost to write failures"
                        + " (a discontinuity marks the gap)", task.path(), task.segment().sequence(),
                        recording.failedInARow);
                recording.failedInARow = 0;
            }
            keepWithinLimit();
        } finally {
            task.init().release();
            task.body().release();
        }
    }

    private void writeSegment(Recording recording, Closed task) throws IOException {
        Path dir = recording.dir;
        if (recording.fresh) {
            if (Files.exists(dir)) {
                Path aside = dir.resolveSibling(dir.getFileName() + "." + clock.millis());
                Files.move(dir, aside);
                retention.moved(dir, aside);
                log.info("new recording of {}; the previous one moved to {}", task.path(), aside);
            }
            recording.fresh = false;
        }
        if (recording.index == null) {
            openIndex(recording);
        }
        long bytes = 0;
        StringBuilder lines = new StringBuilder();
        if (recording.lastInit != task.initFirstSequence()) {
            writeDurably(dir.resolve("init" + task.initFirstSequence() + ".mp4"), task.init());
            bytes += task.init().readableBytes();
            TrackInfo t = task.track();
            lines.append(String.format(Locale.ROOT, "track %d %s %d %d %d %s %d %d %d %s%n", t.trackId(),
                    t.codec().name(), t.timescale(), t.width(), t.height(), Double.toString(t.frameRate()),
                    t.sampleRate(), t.channels(), t.bitrate(), HexFormat.of().formatHex(t.codecConfig())));
            lines.append("init ").append(task.initFirstSequence()).append('\n');
        }
        MediaSegment segment = task.segment();
        Path file = dir.resolve("seg" + segment.sequence() + ".m4s");
        writeDurably(file, task.body());
        forceDirectory(dir);
        bytes += task.body().readableBytes();
        boolean gap = recording.lastSequence >= 0 && segment.sequence() != recording.lastSequence + 1;
        lines.append("segment ").append(segment.sequence()).append(' ').append(segment.discontinuitySequence())
                .append(' ').append(segment.discontinuity() || gap ? 1 : 0).append(' ').append(segment.startTime())
                .append(' ').append(segment.duration()).append(' ').append(segment.timescale()).append(' ')
                .append(segment.programDateTime()).append(' ').append(segment.createdAt()).append(' ')
                .append(segment.size()).append('\n');
        try {
            bytes += append(recording, lines);
        } catch (IOException e) {
            // Not listed, so not recorded: its bytes would only take space nobody counts.
            RecordingRetention.deleteFile(file);
            throw e;
        }
        retention.grew(dir, bytes);
        recording.lastInit = task.initFirstSequence();
        recording.lastSequence = segment.sequence();
        written.incrementAndGet();
        ConcurrentSkipListMap<Long, Path> files = durable.computeIfAbsent(task.path(), p -> new ConcurrentSkipListMap<>());
        files.put(segment.sequence(), file);
        files.headMap(segment.sequence() - DURABLE_REMEMBERED).clear();
    }

    private void end(End end) {
        Recording recording = recordings.get(end.path());
        if (recording == null) {
            return;
        }
        recording.ended = true;
        if (recording.index == null) {
            return;
        }
        try {
            retention.grew(recording.dir, append(recording, "ended " + end.at() + "\n"));
            log.info("recorded {} up to segment {}", end.path(), recording.lastSequence);
        } catch (IOException e) {
            log.warn("cannot mark the recording of {} as ended: {} (it reads as interrupted)", end.path(), e.toString());
        }
    }

    /**
     * Opens the index of a recording for appending: a new one (with its first line), or the one a
     * failure or a trim closed, cut back to its last complete line.
     */
    private void openIndex(Recording recording) throws IOException {
        Files.createDirectories(recording.dir);
        FileChannel channel = FileChannel.open(recording.dir.resolve(INDEX), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size > recording.indexLength) {
                // A line torn by the failure: the reader stops at it, so nothing after it would play.
                channel.truncate(recording.indexLength);
            }
            recording.indexLength = Math.min(size, recording.indexLength);
            channel.position(recording.indexLength);
            recording.index = channel;
            if (recording.indexLength == 0) {
                recording.lastInit = -1;
                retention.grew(recording.dir, append(recording, MAGIC + "\n"));
            }
        } catch (IOException | RuntimeException e) {
            recording.index = null;
            channel.close();
            throw e;
        }
    }

    /** Appends whole lines and forces them to disk; returns their bytes. */
    private static long append(Recording recording, CharSequence text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                recording.index.write(bytes);
            }
            recording.index.force(false);
        } catch (IOException e) {
            try {
                recording.index.truncate(recording.indexLength);
            } catch (IOException ignored) {
                // Reopening the index cuts it back.
            }
            throw e;
        }
        recording.indexLength += bytes.limit();
        return bytes.limit();
    }

    // ---- writer thread: retention ----

    /** One segment line of an index being trimmed, with the lines its init segment needs. */
    private record IndexedSegment(int line, long sequence, long durationNanos, Instant createdAt, long bytes,
                                  long initSequence, int trackLine, int initLine) {
    }

    /** A recording being written, read for trimming: how many of its oldest segments go. */
    private static final class TrimCandidate {
        final Recording recording;
        final List<String> lines;
        final List<IndexedSegment> segments;
        /** Segments older than what the live store may still hold: only these may go. */
        final int unprotected;
        int cut;

        TrimCandidate(Recording recording, List<String> lines, List<IndexedSegment> segments, int unprotected) {
            this.recording = recording;
            this.lines = lines;
            this.segments = segments;
            this.unprotected = unprotected;
        }

        IndexedSegment nextToGo() {
            return cut < unprotected ? segments.get(cut) : null;
        }
    }

    /**
     * Within the limit again, if the recordings passed it: whole finished events first, oldest
     * first, then the oldest segments of the recordings being written.
     */
    private void keepWithinLimit() {
        if (!retention.overLimit()) {
            return;
        }
        long totalWhenOver = retention.totalBytes();
        Map<Path, Recording> writing = new HashMap<>();
        for (Recording recording : recordings.values()) {
            if (recording.beingWritten()) {
                writing.put(recording.dir, recording);
            }
        }
        while (retention.excess() > 0) {
            List<Path> event = retention.oldestFinishedEvent(writing.keySet());
            if (event.isEmpty()) {
                break;
            }
            for (Path dir : event) {
                forget(dir);
                retention.delete(dir, totalWhenOver);
            }
        }
        if (retention.excess() > 0) {
            trimOldestSegments(writing.values(), totalWhenOver);
        }
        retention.prunedAsFarAsAllowed();
    }

    /** Lets go of what the writer and the readers hold of the recording in {@code dir}, about to be deleted. */
    private void forget(Path dir) {
        recordings.values().removeIf(recording -> {
            if (!recording.dir.equals(dir) || recording.fresh) {
                return false;
            }
            closeIndex(recording);
            durable.remove(recording.path);
            return true;
        });
        loaded.keySet().removeIf(path -> directory(path).equals(dir));
    }

    /** Trims the oldest segments, whichever recording being written holds them, down to the target. */
    private void trimOldestSegments(Collection<Recording> writing, long totalWhenOver) {
        List<TrimCandidate> candidates = new ArrayList<>();
        for (Recording recording : writing) {
            if (recording.index == null) {
                continue;
            }
            try {
                TrimCandidate candidate = readForTrim(recording);
                if (candidate.unprotected > 0) {
                    candidates.add(candidate);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("recordings: cannot read {} to trim it: {}", recording.dir, e.toString());
            }
        }
        long wanted = retention.excess();
        for (long freeing = 0; freeing < wanted; ) {
            TrimCandidate oldest = null;
            for (TrimCandidate candidate : candidates) {
                IndexedSegment next = candidate.nextToGo();
                if (next != null && (oldest == null || next.createdAt().isBefore(oldest.nextToGo().createdAt()))) {
                    oldest = candidate;
                }
            }
            if (oldest == null) {
                break;
            }
            freeing += oldest.nextToGo().bytes();
            oldest.cut++;
        }
        for (TrimCandidate candidate : candidates) {
            if (candidate.cut > 0) {
                trim(candidate, totalWhenOver);
            }
        }
    }

    private TrimCandidate readForTrim(Recording recording) throws IOException {
        List<String> lines = completeLines(recording.dir);
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw new IOException("not a version 2 recording index");
        }
        List<IndexedSegment> segments = new ArrayList<>();
        int trackLine = -1;
        int initLine = -1;
        long initSequence = -1;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("segment") && (trackLine < 0 || initLine < 0)) {
                throw new IOException("segment before its track and init lines, line " + (i + 1));
            }
            switch (f[0]) {
                case "track" -> trackLine = i;
                case "init" -> {
                    initLine = i;
                    initSequence = Long.parseLong(f[1]);
                }
                case "segment" -> segments.add(new IndexedSegment(i, Long.parseLong(f[1]),
                        Long.parseLong(f[5]) * 1_000_000_000L / Integer.parseInt(f[6]), Instant.parse(f[8]),
                        Long.parseLong(f[9]), initSequence, trackLine, initLine));
                default -> {
                    // ended: not needed to read what is kept.
                }
            }
        }
        // As the live store evicts (SegmentWindow.evictBeyondDvrWindow): what it may still hold, maybe from
        // this file (the DVR window beyond memory), stays.
        long held = segments.stream().mapToLong(IndexedSegment::durationNanos).sum();
        int unprotected = 0;
        while (segments.size() - unprotected > kept.minimumSegments()
                && held - segments.get(unprotected).durationNanos() >= kept.dvrWindow().toNanos()) {
            held -= segments.get(unprotected).durationNanos();
            unprotected++;
        }
        return new TrimCandidate(recording, lines, segments, unprotected);
    }

    /**
     * Removes the candidate's oldest {@code cut} segments: the index is rewritten durably first,
     * starting with the {@code track} and {@code init} lines of the first segment kept, then the
     * files nothing lists any more are deleted. A crash in between leaves unlisted files, never a
     * listed segment without its file.
     */
    private void trim(TrimCandidate candidate, long totalWhenOver) {
        Recording recording = candidate.recording;
        IndexedSegment firstKept = candidate.segments.get(candidate.cut);
        List<IndexedSegment> gone = candidate.segments.subList(0, candidate.cut);
        StringBuilder text = new StringBuilder(MAGIC).append('\n')
                .append(candidate.lines.get(firstKept.trackLine())).append('\n')
                .append(candidate.lines.get(firstKept.initLine())).append('\n');
        for (String line : candidate.lines.subList(firstKept.line(), candidate.lines.size())) {
            text.append(line).append('\n');
        }
        byte[] index = text.toString().getBytes(StandardCharsets.UTF_8);
        long freed = recording.indexLength - index.length;
        try {
            writeDurably(recording.dir.resolve(INDEX), index);
        } catch (IOException e) {
            log.warn("recordings: cannot rewrite the index of {} to trim it: {}; the recordings stay over the"
                    + " limit until it can", recording.dir, e.toString());
            return;
        }
        forceDirectory(recording.dir);
        closeIndex(recording);
        recording.indexLength = index.length;
        try {
            openIndex(recording);
        } catch (IOException e) {
            // The next segment opens it again, as after a failed write.
            log.warn("recordings: cannot reopen the trimmed index of {}: {}", recording.dir, e.toString());
        }
        ConcurrentSkipListMap<Long, Path> files = durable.get(recording.path);
        if (files != null) {
            files.headMap(firstKept.sequence()).clear();
        }
        for (IndexedSegment segment : gone) {
            freed += RecordingRetention.deleteFile(recording.dir.resolve("seg" + segment.sequence() + ".m4s"));
        }
        for (long init : gone.stream().mapToLong(IndexedSegment::initSequence).distinct().toArray()) {
            if (init != firstKept.initSequence()) {
                freed += RecordingRetention.deleteFile(recording.dir.resolve("init" + init + ".mp4"));
            }
        }
        retention.shrank(recording.dir, freed);
        log.warn("recordings took {} bytes, over packaging.recordings_max_bytes ({}): trimmed segments {} to {}"
                + " (recorded {} to {}, {} bytes) from the start of {}, which is being recorded; it now starts at"
                + " segment {}", totalWhenOver, retention.maxBytes(), gone.getFirst().sequence(), gone.getLast().sequence(),
                gone.getFirst().createdAt(), gone.getLast().createdAt(), freed, root.relativize(recording.dir),
                firstKept.sequence());
    }

    private void closeAll() {
        for (Recording recording : recordings.values()) {
            closeIndex(recording);
        }
        recordings.clear();
    }

    private static void closeIndex(Recording recording) {
        if (recording.index != null) {
            try {
                recording.index.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", recording.dir, e.toString());
            }
            recording.index = null;
        }
    }

    private Path directory(StreamPath path) {
        return root.resolve(path.stream()).resolve(path.rendition());
    }

    /** Writes {@code body} under a temporary name, forces it to disk, then renames it into place. */
    private static void writeDurably(Path file, ByteBuf body) throws IOException {
        writeDurably(file, ByteBufUtil.getBytes(body));
    }

    private static void writeDurably(Path file, byte[] body) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer data = ByteBuffer.wrap(body);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A half-written file on a full disk holds the space the next try needs.
            try {
                Files.deleteIfExists(temp);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** Makes the renames in {@code dir} durable (Linux allows forcing a directory; others may not). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported on this platform: the rename is still atomic, just not yet durable.
        }
    }

    // ---- read side ----

    /** The index's lines up to its last line break: a torn last line is left out. */
    private static List<String> completeLines(Path dir) throws IOException {
        String text = Files.readString(dir.resolve(INDEX), StandardCharsets.UTF_8);
        int complete = text.lastIndexOf('\n');
        return complete < 0 ? List.of() : List.of(text.substring(0, complete).split("\n"));
    }

    /** The size of {@code file}, or -1 if it is not there (never written, or deleted meanwhile). */
    private static long sizeOf(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (rendition.isSource()) {
            return Optional.empty();
        }
        Path dir = directory(rendition);
        Path index = dir.resolve(INDEX);
        try {
            if (!Files.isRegularFile(index)) {
                loaded.remove(rendition);
                return Optional.empty();
            }
            FileTime time = Files.getLastModifiedTime(index);
            long size = Files.size(index);
            Loaded cached = loaded.get(rendition);
            if (cached != null && cached.indexTime().equals(time) && cached.indexSize() == size) {
                return Optional.ofNullable(cached.snapshot());
            }
            RenditionSnapshot snapshot = load(rendition, dir);
            loaded.put(rendition, new Loaded(time, size, snapshot));
            return Optional.ofNullable(snapshot);
        } catch (NoSuchFileException e) {
            // Deleted meanwhile to keep within the limit: as if never recorded.
            loaded.remove(rendition);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read recording {}: {}", rendition, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        if (!StreamPath.isValidName(stream)) {
            return List.of();
        }
        Path dir = root.resolve(stream);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RenditionSnapshot> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (StreamPath.isValidName(name)) {
                    find(StreamPath.rendition(stream, name)).ifPresent(found::add);
                }
            }
        } catch (NoSuchFileException e) {
            // Its last recording was deleted meanwhile.
        } catch (IOException e) {
            log.warn("cannot list recordings of {}: {}", stream, e.toString());
        }
        found.sort(Comparator.comparing(s -> s.path().rendition()));
        return found;
    }

    /**
     * Reads a recording's index: its segments as ended, one part each, bytes left on disk. Null if
     * it lists no playable segment yet. Stops at a torn or unreadable line (a crash while
     * appending); skips a segment whose file is missing or short, and marks the next one as a
     * discontinuity.
     */
    static RenditionSnapshot load(StreamPath path, Path dir) throws IOException {
        List<String> lines = completeLines(dir);
        if (lines.isEmpty() || !(lines.getFirst().equals(MAGIC) || lines.getFirst().equals(MAGIC_V1))) {
            throw new IOException("not a recording index");
        }
        boolean v1 = lines.getFirst().equals(MAGIC_V1);
        TrackInfo track = null;
        long max = 0;
        Instant endedLine = null;
        boolean endedAfterLast = false;
        boolean gap = false;
        InitSegment currentInit = null;
        List<InitSegment> inits = new ArrayList<>();
        List<MediaSegment> segments = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "track" -> track = new TrackInfo(Integer.parseInt(f[1]), Codec.valueOf(f[2]),
                            Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                            Double.parseDouble(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]),
                            Long.parseLong(f[9]), HexFormat.of().parseHex(f[10]));
                    case "max" -> max = Math.max(max, Long.parseLong(f[1]));
                    case "ended" -> {
                        endedLine = Instant.parse(f[1]);
                        endedAfterLast = true;
                    }
                    case "init" -> {
                        Path file = dir.resolve("init" + Long.parseLong(f[1]) + ".mp4");
                        long size = sizeOf(file);
                        currentInit = size >= 0 && track != null
                                ? new InitSegment(Long.parseLong(f[1]), SegmentBytes.onDisk(file, 0, (int) size), track)
                                : null;
                        if (currentInit == null) {
                            log.warn("recording {}: {} is missing; its segments are skipped", path, file);
                        }
                    }
                    case "segment" -> {
                        long sequence = Long.parseLong(f[1]);
                        long start = Long.parseLong(f[4]);
                        long duration = Long.parseLong(f[5]);
                        Path file = dir.resolve("seg" + sequence + ".m4s");
                        long onDisk = sizeOf(file);
                        long size = v1 ? onDisk : Long.parseLong(f[9]);
                        endedAfterLast = false;
                        if (currentInit == null || onDisk < 0 || onDisk < size || size > Integer.MAX_VALUE) {
                            gap = true;
                            continue;
                        }
                        if (inits.isEmpty() || inits.getLast() != currentInit) {
                            inits.add(currentInit);
                        }
                        SegmentBytes bytes = SegmentBytes.onDisk(file, 0, (int) size);
                        segments.add(new MediaSegment(sequence, Long.parseLong(f[2]), f[3].equals("1") || gap, start,
                                duration, Integer.parseInt(f[6]), Instant.parse(f[7]),
                                List.of(new SegmentPart(start, duration, true, bytes)), Instant.parse(f[8])));
                        max = Math.max(max, duration);
                        gap = false;
                    }
                    default -> throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) {
                log.warn("recording {}: index line {} unreadable ({}); reading up to it", path, i + 1, e.toString());
                break;
            }
        }
        if (track == null || segments.isEmpty()) {
            return null;
        }
        // Version 1 wrote its ended line first. A version 2 recording without one after its last
        // segment was interrupted (crash, kill -9): it ended with its last segment.
        Instant ended = v1 && endedLine != null ? endedLine
                : endedAfterLast ? endedLine : segments.getLast().createdAt();
        return new RenditionSnapshot(path, track, Fmp4Track.of(track), inits.getLast().bytes(), segments, List.of(),
                max, true, ended, segments.getLast().sequence() + 1, inits);
    }
}
