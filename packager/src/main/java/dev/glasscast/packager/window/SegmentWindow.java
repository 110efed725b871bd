package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.fmp4.TimescaleConverter;
import java.util.ArrayList;
import java.util.List;

/**
 * The segments one rendition holds, with the init segments they decode with, and the policy of
 * what stays: the oldest segments go once the rest still cover the DVR window (never below the
 * minimum count), and segments older than the memory window are swapped for their recorded
 * copies on disk once the recorder has them.
 *
 * <p>Buffer ownership: the window owns the {@link SegmentBytes} of every segment and init segment
 * it holds. What it lets go of is returned to the caller, who releases it only after publishing a
 * snapshot without it, so no reader can find bytes that are being released.
 *
 * <p>Threading: not thread-safe; {@link LiveRendition} calls it with its monitor held.
 */
final class SegmentWindow {

    private final StreamPath path;
    private final SegmentStoreLimits limits;
    private final RenditionRecorder recorder;
    private final List<MediaSegment> segments = new ArrayList<>();
    private final List<InitSegment> inits = new ArrayList<>();

    /**
     * @param segments closed segments an earlier publication of the same path handed over, oldest
     *                 first; ownership passes to this window
     * @param inits    the init segments those segments need; ownership passes too
     */
    SegmentWindow(StreamPath path, SegmentStoreLimits limits, RenditionRecorder recorder,
                  List<MediaSegment> segments, List<InitSegment> inits) {
        this.path = path;
        this.limits = limits;
        this.recorder = recorder;
        this.segments.addAll(segments);
        this.inits.addAll(inits);
    }

    /** The segments held, oldest first. A live view: snapshots copy it. */
    List<MediaSegment> segments() {
        return segments;
    }

    /** The init segments held, by ascending first sequence. A live view: snapshots copy it. */
    List<InitSegment> inits() {
        return inits;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The init segment of the current period; the window must hold one. */
    InitSegment currentInit() {
        return inits.getLast();
    }

    void addInit(InitSegment init) {
        inits.add(init);
    }

    /**
     * Removes the last init segment if no segment decodes with it ({@code nextSequence} is still
     * its first sequence), so a new period can take its place; null if it is in use.
     */
    InitSegment removeUnusedLastInit(long nextSequence) {
        if (!inits.isEmpty() && inits.getLast().firstSequence() == nextSequence) {
            return inits.removeLast();
        }
        return null;
    }

    /**
     * Adds a closed segment, then applies the window policy.
     *
     * @return the in-memory segments let go of (evicted, or swapped for their copies on disk),
     *         whose parts the caller releases once readers can no longer find them
     */
    List<MediaSegment> add(MediaSegment segment) {
        segments.add(segment);
        List<MediaSegment> gone = replaceWithRecordedCopies();
        gone.addAll(evictBeyondDvrWindow());
        return gone;
    }

    /**
     * Replaces segments older than the memory window by their recorded copies, where the
     * recorder has them durably (a segment it has not written yet stays in memory until it has).
     *
     * @return the in-memory segments replaced
     */
    private List<MediaSegment> replaceWithRecordedCopies() {
        List<MediaSegment> replaced = new ArrayList<>();
        int olderThanMemory = segments.size() - limits.memorySegments();
        for (int i = 0; i < olderThanMemory; i++) {
            MediaSegment held = segments.get(i);
            if (held.inMemory()) {
                MediaSegment onDisk = recorder.recorded(path, held);
                if (onDisk != null) {
                    segments.set(i, onDisk);
                    replaced.add(held);
                }
            }
        }
        return replaced;
    }

    /** Drops the oldest segments beyond the minimum count once the rest still cover the DVR window. */
    private List<MediaSegment> evictBeyondDvrWindow() {
        List<MediaSegment> evicted = new ArrayList<>();
        // In nanoseconds: segments of earlier periods may count time in another timescale.
        long window = limits.dvrWindow().toNanos();
        long held = 0;
        for (MediaSegment segment : segments) {
            held += nanos(segment);
        }
        while (segments.size() > limits.minimumSegments() && held - nanos(segments.getFirst()) >= window) {
            MediaSegment oldest = segments.removeFirst();
            held -= nanos(oldest);
            evicted.add(oldest);
        }
        return evicted;
    }

    /**
     * Removes the init segments of earlier periods none of whose segments are held.
     *
     * @return the init segments removed, which the caller releases after publishing
     */
    List<InitSegment> dropUnusedInits(long nextSequence) {
        List<InitSegment> unused = new ArrayList<>();
        long oldestHeld = segments.isEmpty() ? nextSequence : segments.getFirst().sequence();
        while (inits.size() > 1 && inits.get(1).firstSequence() <= oldestHeld) {
            unused.add(inits.removeFirst());
        }
        return unused;
    }

    /** Empties the window without releasing anything: ownership went elsewhere (a handover). */
    void clear() {
        segments.clear();
        inits.clear();
    }

    /** Releases every segment and init segment held, and empties the window. */
    void release() {
        releaseInits(inits);
        inits.clear();
        for (MediaSegment segment : segments) {
            releaseParts(segment.parts());
        }
        segments.clear();
    }

    /** Bytes held in memory: init segments and segments not swapped for their copies on disk. */
    long bytesInMemory() {
        long bytes = 0;
        for (InitSegment held : inits) {
            bytes += held.bytes().size();
        }
        for (MediaSegment segment : segments) {
            if (segment.inMemory()) {
                bytes += segment.size();
            }
        }
        return bytes;
    }

    static void releaseInits(List<InitSegment> unused) {
        for (InitSegment gone : unused) {
            gone.bytes().release();
        }
    }

    static void releaseParts(List<SegmentPart> parts) {
        for (SegmentPart part : parts) {
            part.bytes().release();
        }
    }

    private static long nanos(MediaSegment segment) {
        return new TimescaleConverter(segment.timescale(), 1_000_000_000).convert(segment.duration());
    }
}
