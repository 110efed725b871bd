package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionRecorder;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentStoreLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Recordings written as they happen: every segment of every rendition, as it closes, goes to
 * {@code <root>/<stream>/<rendition>/} ({@code init{N}.mp4}, {@code seg{N}.m4s}) and is then
 * appended to its index ({@link RecordingIndex}). One recording per event: a reconnect continues
 * it (with a discontinuity), a new event moves the previous recording aside to
 * {@code <rendition>.<millis>} (not a valid rendition name, so never served, but kept for the
 * operator). After a crash or {@code kill -9} a recording plays up to its last listed segment.
 *
 * <p>This class only wires the parts together and is what the daemon holds:
 * {@link RecordingWriter} (the writer thread, durable writes), {@link RecordingTrimmer} and
 * {@link RecordingRetention} (disk use within {@code maxBytes}), {@link RecordingLookup}
 * (recordings read as renditions) and {@link DurableSegmentFiles} (which segments the store may
 * read from disk instead of memory).
 *
 * <p>Threading: the {@link RenditionRecorder} methods run on publishing threads and only queue.
 * Reads ({@link RenditionLookup}, {@link RecordedSegmentFiles}) may come from any thread. Names
 * come from validated {@link StreamPath}s, so no path can leave the root.
 */
public final class RecordingArchive implements RenditionLookup, RenditionRecorder, RecordedSegmentFiles,
        AutoCloseable {

    private final RecordingRetention retention;
    private final DurableSegmentFiles durable = new DurableSegmentFiles();
    private final RecordingLookup lookup;
    private final RecordingWriter writer;

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
        this(root, maxQueuedSegments, clock, maxBytes, kept, stream -> { });
    }

    /**
     * @param onStreamRecorded told the name of a stream once every rendition of it being recorded
     *                         has ended and is marked so on disk: the recording plays whole. It
     *                         runs on the recorder's thread and must only hand the name on.
     */
    public RecordingArchive(Path root, int maxQueuedSegments, Clock clock, long maxBytes, SegmentStoreLimits kept,
                            Consumer<String> onStreamRecorded) {
        if (maxQueuedSegments < 1) {
            throw new IllegalArgumentException("maxQueuedSegments must be at least 1: " + maxQueuedSegments);
        }
        if (maxBytes > 0 && kept == null) {
            throw new IllegalArgumentException("a limit on the recordings' bytes needs the live store's limits");
        }
        this.retention = new RecordingRetention(root, maxBytes);
        this.lookup = new RecordingLookup(root);
        var recordings = new HashMap<StreamPath, RecordingInProgress>();
        RecordingTrimmer trimmer = new RecordingTrimmer(root, retention, kept, durable, lookup, recordings);
        this.writer = new RecordingWriter(root, clock, maxQueuedSegments, retention, durable, trimmer, recordings,
                onStreamRecorded);
        writer.start();
    }

    /** Where the recording of {@code path} is written. */
    static Path directory(Path root, StreamPath path) {
        return root.resolve(path.stream()).resolve(path.rendition());
    }

    /** Segments not recorded because the writer fell behind or the disk failed. */
    public long droppedSegments() {
        return writer.droppedSegments();
    }

    /** Segments recorded durably since start. */
    public long writtenSegments() {
        return writer.writtenSegments();
    }

    /** Bytes of recordings deleted since start to keep within the limit. */
    public long prunedBytes() {
        return retention.prunedBytes();
    }

    @Override
    public void started(StreamPath path, boolean continuesEarlier) {
        if (!path.isSource()) {
            writer.started(path, continuesEarlier);
        }
    }

    @Override
    public void closed(StreamPath path, TrackInfo track, InitSegment init, MediaSegment segment) {
        if (!path.isSource()) {
            writer.closed(path, track, init, segment);
        }
    }

    @Override
    public void ended(StreamPath path) {
        if (!path.isSource()) {
            writer.ended(path);
        }
    }

    @Override
    public Path fileOf(StreamPath path, long sequence) {
        return durable.fileOf(path, sequence);
    }

    @Override
    public MediaSegment recorded(StreamPath path, MediaSegment segment) {
        Path file = durable.take(path, segment.sequence());
        return file == null ? null : segment.onDisk(file);
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        return lookup.find(rendition);
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        return lookup.renditions(stream);
    }

    /** Waits (30 s at most) until everything queued so far is written. */
    public void flush() throws InterruptedException {
        writer.flush();
    }

    /** Writes what is queued (e.g. the ends of renditions stopped at shutdown), then stops the writer. */
    @Override
    public void close() throws InterruptedException {
        writer.close();
    }
}
