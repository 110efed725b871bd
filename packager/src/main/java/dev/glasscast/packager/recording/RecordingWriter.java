package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's one writer thread, and the queue that feeds it from the publishing threads.
 *
 * <p>Durability order: a media file is written to a temporary name, forced to disk and renamed;
 * only then is its index line appended and the index forced. So the index never lists a segment
 * whose bytes are not on disk.
 *
 * <p>A write that fails (disk full) loses that segment, not the recording: the next segment tries
 * again (and is marked as a discontinuity, like any gap). The failure is logged once per streak
 * of failed segments and again when recording works again; every lost segment is counted.
 *
 * <p>Buffer ownership: {@link #closed} takes retained slices of the init segment and the segment
 * (the caller keeps its own references); a queued task owns them until the writer has written
 * them, or until it is discarded after the stop, and then releases them.
 *
 * <p>Threading: {@link #started}, {@link #closed} and {@link #ended} run on publishing threads and
 * only queue; everything else here runs on the writer thread, which also runs the
 * {@link RecordingTrimmer}.
 */
final class RecordingWriter {

    private static final Logger log = LoggerFactory.getLogger(RecordingWriter.class);

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

    /** {@code passed} is counted down once the writer reaches it: all queued before it is written. */
    private record Barrier(CountDownLatch passed) implements Task {
    }

    private record Stop() implements Task {
    }

    private final Path root;
    private final Clock clock;
    private final int maxQueuedSegments;
    private final RecordingRetention retention;
    private final DurableSegmentFiles durable;
    private final RecordingTrimmer trimmer;
    /** Writer thread only; shared with the trimmer. */
    private final Map<StreamPath, RecordingInProgress> recordings;
    private final Consumer<String> onStreamRecorded;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedSegments = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param maxQueuedSegments how many closed segments may wait (their bytes are held meanwhile)
     *                          before segments are dropped from the recording
     * @param recordings        the recordings being written, shared with {@code trimmer}
     * @param onStreamRecorded  told, on the writer thread, the name of a stream each of whose
     *                          renditions being recorded has just been marked ended on disk
     */
    RecordingWriter(Path root, Clock clock, int maxQueuedSegments, RecordingRetention retention,
                    DurableSegmentFiles durable, RecordingTrimmer trimmer,
                    Map<StreamPath, RecordingInProgress> recordings, Consumer<String> onStreamRecorded) {
        this.root = root;
        this.clock = clock;
        this.maxQueuedSegments = maxQueuedSegments;
        this.retention = retention;
        this.durable = durable;
        this.trimmer = trimmer;
        this.recordings = recordings;
        this.onStreamRecorded = onStreamRecorded;
    }

    /** Starts the writer thread; call once. */
    void start() {
        thread = Thread.ofPlatform().name("recorder").daemon().start(this::writeLoop);
    }

    long droppedSegments() {
        return dropped.get();
    }

    long writtenSegments() {
        return written.get();
    }

    // ---- publishing threads: queue only ----

    void started(StreamPath path, boolean continuesEarlier) {
        enqueue(new Start(path, continuesEarlier));
    }

    void closed(StreamPath path, TrackInfo track, InitSegment init, MediaSegment segment) {
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

    void ended(StreamPath path) {
        enqueue(new End(path, clock.instant()));
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
    private void failed(RecordingInProgress recording, long sequence, Exception why) {
        long count = dropped.incrementAndGet();
        if (recording.failedInARow++ == 0) {
            log.error("RECORDING GAP: segment {} of {} not recorded: writing failed: {}; each next segment tries"
                    + " again, and recording working again is logged ({} dropped so far)", sequence, recording.path,
                    why.toString(), count);
        }
    }

    /** Waits (30 s at most) until everything queued so far is written. */
    void flush() throws InterruptedException {
        if (!thread.isAlive()) {
            return;
        }
        CountDownLatch passed = new CountDownLatch(1);
        queue.add(new Barrier(passed));
        if (!passed.await(30, TimeUnit.SECONDS)) {
            log.warn("recorder still busy after 30 s; {} segments queued", queuedSegments.get());
        }
    }

    /** Writes what is queued (e.g. the ends of renditions stopped at shutdown), then stops the thread. */
    void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Stop());
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            log.error("recorder still writing after 30 s at shutdown; {} segments queued", queuedSegments.get());
        }
    }

    // ---- writer thread ----

    private void writeLoop() {
        try {
            retention.scan();
            trimmer.keepWithinLimit();
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
                    case Barrier barrier -> barrier.passed().countDown();
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
                barrier.passed().countDown();
            }
        }
    }

    private void start(Start start) {
        RecordingInProgress current = recordings.get(start.path());
        if (start.continuesEarlier() && current != null) {
            return;
        }
        if (current != null) {
            current.closeIndex();
        }
        durable.forget(start.path());
        recordings.put(start.path(), newRecording(start.path()));
    }

    private RecordingInProgress newRecording(StreamPath path) {
        return new RecordingInProgress(path, RecordingArchive.directory(root, path), true);
    }

    private void write(Closed task) {
        try {
            RecordingInProgress recording = recordings.computeIfAbsent(task.path(), this::newRecording);
            recording.ended = false;
            try {
                writeSegment(recording, task);
            } catch (IOException | RuntimeException e) {
                recording.closeIndex();
                failed(recording, task.segment().sequence(), e);
                return;
            }
            if (recording.failedInARow > 0) {
                log.warn("recording {} again from segment {}: {} segments before it were lost to write failures"
                        + " (a discontinuity marks the gap)", task.path(), task.segment().sequence(),
                        recording.failedInARow);
                recording.failedInARow = 0;
            }
            trimmer.keepWithinLimit();
        } finally {
            task.init().release();
            task.body().release();
        }
    }

    private void writeSegment(RecordingInProgress recording, Closed task) throws IOException {
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
            recording.openIndex(retention);
        }
        long bytes = 0;
        StringBuilder lines = new StringBuilder();
        if (recording.lastInit != task.initFirstSequence()) {
            writeDurably(RecordingIndex.initFile(dir, task.initFirstSequence()), ByteBufUtil.getBytes(task.init()));
            bytes += task.init().readableBytes();
            lines.append(RecordingIndex.periodLines(task.track(), task.initFirstSequence()));
        }
        MediaSegment segment = task.segment();
        Path file = RecordingIndex.segmentFile(dir, segment.sequence());
        writeDurably(file, ByteBufUtil.getBytes(task.body()));
        forceDirectory(dir);
        bytes += task.body().readableBytes();
        boolean gap = recording.lastSequence >= 0 && segment.sequence() != recording.lastSequence + 1;
        lines.append(RecordingIndex.segmentLine(segment, segment.discontinuity() || gap));
        try {
            bytes += recording.append(lines);
        } catch (IOException e) {
            // Not listed, so not recorded: its bytes would only take space nobody counts.
            RecordingRetention.deleteFile(file);
            throw e;
        }
        retention.grew(dir, bytes);
        recording.lastInit = task.initFirstSequence();
        recording.lastSequence = segment.sequence();
        written.incrementAndGet();
        durable.add(task.path(), segment.sequence(), file);
    }

    private void end(End end) {
        RecordingInProgress recording = recordings.get(end.path());
        if (recording == null) {
            return;
        }
        recording.ended = true;
        if (recording.index == null) {
            return;
        }
        try {
            retention.grew(recording.dir, recording.append(RecordingIndex.endedLine(end.at())));
            log.info("recorded {} up to segment {}", end.path(), recording.lastSequence);
        } catch (IOException e) {
            log.warn("cannot mark the recording of {} as ended: {} (it reads as interrupted)", end.path(), e.toString());
            return;
        }
        String stream = end.path().stream();
        if (recordings.values().stream().allMatch(other -> other.ended || !other.path.stream().equals(stream))) {
            onStreamRecorded.accept(stream);
        }
    }

    private void closeAll() {
        for (RecordingInProgress recording : recordings.values()) {
            recording.closeIndex();
        }
        recordings.clear();
    }

    /** Writes {@code body} under a temporary name, forces it to disk, then renames it into place. */
    static void writeDurably(Path file, byte[] body) throws IOException {
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
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported on this platform: the rename is still atomic, just not yet durable.
        }
    }
}
