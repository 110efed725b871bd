package dev.glasscast.packager.store;

import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>Threading: the {@link RenditionRecorder} methods run on publishing threads and only queue;
 * one writer thread of its own does all writing. Segments queue up to {@code maxQueuedSegments};
 * beyond that a segment is not recorded, which is logged as an error and counted
 * ({@link #droppedSegments()}); the next recorded segment then starts a discontinuity. Reads
 * ({@link RenditionLookup}) may come from any thread; they read the index only, segment bytes are
 * read from disk when served ({@link StoredBytes#onDisk}). Names come from validated
 * {@link StreamPath}s, so no path can leave the root.
 */
public final class RecordingArchive implements RenditionLookup, RenditionRecorder, RecordedFiles, AutoCloseable {

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
        final Path dir;
        boolean fresh;
        FileChannel index;
        long lastInit = -1;
        long lastSequence = -1;
        boolean broken;

        Recording(Path dir, boolean fresh) {
            this.dir = dir;
            this.fresh = fresh;
        }
    }

    private record Loaded(FileTime indexTime, long indexSize, RenditionSnapshot snapshot) {
    }

    private final Path root;
    private final Clock clock;
    private final int maxQueuedSegments;
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
     * @param root              the recordings directory, e.g. {@code <data_dir>/recordings}
     * @param maxQueuedSegments how many closed segments may wait for the writer (their bytes are
     *                          held meanwhile) before segments are dropped from the recording
     * @param clock             for the {@code ended} lines
     */
    public RecordingArchive(Path root, int maxQueuedSegments, Clock clock) {
        if (maxQueuedSegments < 1) {
            throw new IllegalArgumentException("maxQueuedSegments must be at least 1: " + maxQueuedSegments);
        }
        this.root = root;
        this.clock = clock;
        this.maxQueuedSegments = maxQueuedSegments;
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
        recordings.put(start.path(), new Recording(directory(start.path()), true));
    }

    private void write(Closed task) {
        try {
            Recording recording = recordings.computeIfAbsent(task.path(), p -> new Recording(directory(p), true));
            if (recording.broken) {
                drop(task.path(), task.segment().sequence(), "its recording failed earlier");
                return;
            }
            try {
                writeSegment(recording, task);
            } catch (IOException | RuntimeException e) {
                recording.broken = true;
                closeIndex(recording);
                drop(task.path(), task.segment().sequence(), "writing failed: " + e);
            }
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
                log.info("new recording of {}; the previous one moved to {}", task.path(), aside);
            }
            Files.createDirectories(dir);
            recording.index = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            append(recording, MAGIC + "\n");
            recording.fresh = false;
        }
        if (recording.index == null) {
            throw new IOException("index of " + dir + " is not open");
        }
        StringBuilder lines = new StringBuilder();
        if (recording.lastInit != task.initFirstSequence()) {
            writeDurably(dir.resolve("init" + task.initFirstSequence() + ".mp4"), task.init());
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
        boolean gap = recording.lastSequence >= 0 && segment.sequence() != recording.lastSequence + 1;
        lines.append("segment ").append(segment.sequence()).append(' ').append(segment.discontinuitySequence())
                .append(' ').append(segment.discontinuity() || gap ? 1 : 0).append(' ').append(segment.startTime())
                .append(' ').append(segment.duration()).append(' ').append(segment.timescale()).append(' ')
                .append(segment.programDateTime()).append(' ').append(segment.createdAt()).append(' ')
                .append(segment.size()).append('\n');
        append(recording, lines);
        recording.lastInit = task.initFirstSequence();
        recording.lastSequence = segment.sequence();
        written.incrementAndGet();
        ConcurrentSkipListMap<Long, Path> files = durable.computeIfAbsent(task.path(), p -> new ConcurrentSkipListMap<>());
        files.put(segment.sequence(), file);
        files.headMap(segment.sequence() - DURABLE_REMEMBERED).clear();
    }

    private void end(End end) {
        Recording recording = recordings.get(end.path());
        if (recording == null || recording.index == null || recording.broken) {
            return;
        }
        try {
            append(recording, "ended " + end.at() + "\n");
            log.info("recorded {} up to segment {}", end.path(), recording.lastSequence);
        } catch (IOException e) {
            log.warn("cannot mark the recording of {} as ended: {} (it reads as interrupted)", end.path(), e.toString());
        }
    }

    private static void append(Recording recording, CharSequence text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            recording.index.write(bytes);
        }
        recording.index.force(false);
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
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer data = ByteBuffer.wrap(ByteBufUtil.getBytes(body));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (data.hasRemaining()) {
                channel.write(data);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (rendition.isSource()) {
            return Optional.empty();
        }
        Path dir = directory(rendition);
        Path index = dir.resolve(INDEX);
        try {
            if (!Files.isRegularFile(index)) {
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
        String text = Files.readString(dir.resolve(INDEX), StandardCharsets.UTF_8);
        int complete = text.lastIndexOf('\n');
        List<String> lines = complete < 0 ? List.of() : List.of(text.substring(0, complete).split("\n"));
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
                        currentInit = Files.isRegularFile(file)
                                ? new InitSegment(Long.parseLong(f[1]), StoredBytes.onDisk(file, 0, (int) Files.size(file)))
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
                        long onDisk = Files.isRegularFile(file) ? Files.size(file) : -1;
                        long size = v1 ? onDisk : Long.parseLong(f[9]);
                        endedAfterLast = false;
                        if (currentInit == null || onDisk < 0 || onDisk < size || size > Integer.MAX_VALUE) {
                            gap = true;
                            continue;
                        }
                        if (inits.isEmpty() || inits.getLast() != currentInit) {
                            inits.add(currentInit);
                        }
                        StoredBytes bytes = StoredBytes.onDisk(file, 0, (int) size);
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
