package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which recent segments of each rendition's current recording are on disk for good, by sequence:
 * the writer thread adds and forgets them; publishing threads and event loops ask, from memory.
 */
final class DurableSegmentFiles {

    /** Recorded sequence numbers remembered per rendition, at most. */
    private static final int REMEMBERED = 10_000;

    private final Map<StreamPath, ConcurrentSkipListMap<Long, Path>> files = new ConcurrentHashMap<>();

    /** The file of segment {@code sequence} of {@code path}, or null while it is not known to be durable. */
    Path fileOf(StreamPath path, long sequence) {
        ConcurrentSkipListMap<Long, Path> recorded = files.get(path);
        return recorded == null ? null : recorded.get(sequence);
    }

    /** Same as {@link #fileOf}, but forgets it: the store takes each segment's file once. */
    Path take(StreamPath path, long sequence) {
        ConcurrentSkipListMap<Long, Path> recorded = files.get(path);
        return recorded == null ? null : recorded.remove(sequence);
    }

    /** Segment {@code sequence} of {@code path} is durable in {@code file}. Writer thread. */
    void add(StreamPath path, long sequence, Path file) {
        ConcurrentSkipListMap<Long, Path> recorded = files.computeIfAbsent(path, p -> new ConcurrentSkipListMap<>());
        recorded.put(sequence, file);
        recorded.headMap(sequence - REMEMBERED).clear();
    }

    /** Segments of {@code path} before {@code sequence} were trimmed. Writer thread. */
    void forgetBefore(StreamPath path, long sequence) {
        ConcurrentSkipListMap<Long, Path> recorded = files.get(path);
        if (recorded != null) {
            recorded.headMap(sequence).clear();
        }
    }

    /** The recording of {@code path} starts again, or is deleted. Writer thread. */
    void forget(StreamPath path) {
        files.remove(path);
    }
}
