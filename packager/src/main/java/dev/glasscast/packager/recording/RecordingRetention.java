package dev.glasscast.packager.recording;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the recordings under a root within a number of bytes. It holds an inventory of every
 * recording directory ({@code <root>/<stream>/<name>/}, moved-aside ones included) with its bytes
 * and how recently it was written, kept up to date as the archive writes: the tree is walked once,
 * at start-up, never per segment. It deletes whole finished recordings, oldest first; trimming the
 * head of a recording still being written is {@link RecordingTrimmer}'s part, as that rewrites the
 * index the writer has open.
 *
 * <p>Once the total passes the limit, pruning goes {@link #HEADROOM_PERCENT} % below it, so that
 * a long live recording is trimmed (its index rewritten) now and then rather than at every segment.
 *
 * <p>Threading: the archive's writer thread only, except {@link #prunedBytes()}.
 */
final class RecordingRetention {

    private static final Logger log = LoggerFactory.getLogger(RecordingRetention.class);
    /** How far below the limit pruning goes, in percent of the limit. */
    static final int HEADROOM_PERCENT = 5;

    private static final class Directory {
        long bytes;
        /** Higher is more recently written; from the files' times at the scan, then from the writes. */
        long lastWritten;
        /** A deletion failed (permissions?): skipped from then on, so pruning does not spin on it. */
        boolean undeletable;
    }

    private final Path root;
    private final long maxBytes;
    private final Map<Path, Directory> directories = new HashMap<>();
    private final AtomicLong pruned = new AtomicLong();
    private long total;
    private long writes;
    /** After pruning could not reach the limit, the total beyond which it tries again. */
    private long retryAbove;

    /** @param maxBytes the most the recordings may take; 0 for no limit (nothing is then tracked) */
    RecordingRetention(Path root, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be 0 (no limit) or positive: " + maxBytes);
        }
        this.root = root;
        this.maxBytes = maxBytes;
    }

    boolean limited() {
        return maxBytes > 0;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Bytes of all recordings, as far as the inventory knows. */
    long totalBytes() {
        return total;
    }

    /** Bytes deleted to keep within the limit since start. Any thread. */
    long prunedBytes() {
        return pruned.get();
    }

    /** Counts what the recordings already take; call once, on the writer thread, before any write. */
    void scan() {
        if (!limited()) {
            return;
        }
        record Found(Path dir, long bytes, FileTime newest) {
        }
        List<Found> found = new ArrayList<>();
        for (Path stream : Files.isDirectory(root) ? directoriesIn(root) : List.<Path>of()) {
            for (Path dir : directoriesIn(stream)) {
                long bytes = 0;
                FileTime newest = FileTime.fromMillis(0);
                for (Path file : children(dir)) {
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                        bytes += attributes.size();
                        newest = attributes.lastModifiedTime().compareTo(newest) > 0 ? attributes.lastModifiedTime() : newest;
                    } catch (IOException e) {
                        log.warn("recordings: cannot measure {}: {}", file, e.toString());
                    }
                }
                found.add(new Found(dir, bytes, newest));
            }
        }
        found.sort(Comparator.comparing(Found::newest));
        for (Found recording : found) {
            grew(recording.dir(), recording.bytes());
        }
        log.info("recordings: {} bytes in {} recordings under {}; limit {} bytes", total, found.size(), root, maxBytes);
        warnIfTheDiskIsSmaller();
    }

    /** The limit is no use if the disk fills first: say so at start, not when the disk is full. */
    private void warnIfTheDiskIsSmaller() {
        Path existing = root.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        try {
            FileStore disk = Files.getFileStore(existing);
            if (disk.getUsableSpace() + total < maxBytes) {
                log.warn("recordings: the disk holding {} has {} bytes free besides the {} recorded, less than"
                        + " packaging.recordings_max_bytes ({}): it will fill before the limit is reached", root,
                        disk.getUsableSpace(), total, maxBytes);
            }
        } catch (IOException e) {
            log.debug("cannot ask the disk of {} for its free space: {}", root, e.toString());
        }
    }

    private static List<Path> directoriesIn(Path dir) {
        return children(dir).stream().filter(Files::isDirectory).toList();
    }

    /** What {@code dir} holds, or nothing if it cannot be listed. */
    private static List<Path> children(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.toList();
        } catch (IOException e) {
            log.warn("recordings: cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    /** {@code dir} got {@code bytes} more, just now. */
    void grew(Path dir, long bytes) {
        if (!limited()) {
            return;
        }
        Directory directory = directories.computeIfAbsent(dir, d -> new Directory());
        directory.bytes += bytes;
        directory.lastWritten = ++writes;
        total += bytes;
    }

    /** {@code dir} lost {@code bytes} (its head was trimmed). */
    void shrank(Path dir, long bytes) {
        Directory directory = directories.get(dir);
        if (directory != null) {
            directory.bytes -= bytes;
            total -= bytes;
            pruned.addAndGet(bytes);
        }
    }

    /** A recording was moved aside to {@code to}: same bytes, same age. */
    void moved(Path from, Path to) {
        Directory directory = directories.remove(from);
        if (directory != null) {
            directories.put(to, directory);
        }
    }

    /** True when the recordings take more than the limit (and pruning is worth trying). */
    boolean overLimit() {
        return limited() && total > Math.max(maxBytes, retryAbove);
    }

    /** How many bytes pruning should free now: down to {@link #HEADROOM_PERCENT} % below the limit. */
    long excess() {
        return total - (maxBytes - maxBytes / 100 * HEADROOM_PERCENT);
    }

    /**
     * Ends a round of pruning: when it could not get within the limit (what is left is being
     * written and within the DVR window), says so once and waits for another headroom's worth of
     * bytes before trying again, rather than rereading the live indexes at every segment.
     */
    void prunedAsFarAsAllowed() {
        if (total <= maxBytes) {
            retryAbove = 0;
            return;
        }
        if (retryAbove == 0) {
            log.warn("recordings take {} bytes, over packaging.recordings_max_bytes ({}): what is left is being"
                    + " recorded and within the DVR window, which is never deleted; raise the limit or shorten"
                    + " packaging.dvr_window", total, maxBytes);
        }
        retryAbove = total + maxBytes / 100 * HEADROOM_PERCENT;
    }

    /**
     * The directories of the least recently written finished event, or none. An event is the
     * directories of one stream with the same suffix: {@code <rendition>.<millis>} moved aside
     * together, or the current {@code <rendition>} ones that are not being written. Renditions
     * moved aside a few milliseconds apart count as separate events, but, written until the same
     * moment, they are taken one after the other.
     *
     * @param writing directories of recordings being written, never taken
     */
    List<Path> oldestFinishedEvent(Set<Path> writing) {
        record Event(Path stream, String suffix) {
        }
        Map<Event, List<Path>> events = new HashMap<>();
        Map<Event, Long> lastWritten = new HashMap<>();
        for (Map.Entry<Path, Directory> entry : directories.entrySet()) {
            Path dir = entry.getKey();
            if (writing.contains(dir) || entry.getValue().undeletable) {
                continue;
            }
            String name = dir.getFileName().toString();
            int dot = name.indexOf('.');
            Event event = new Event(dir.getParent(), dot < 0 ? "" : name.substring(dot + 1));
            events.computeIfAbsent(event, e -> new ArrayList<>()).add(dir);
            lastWritten.merge(event, entry.getValue().lastWritten, Math::max);
        }
        return lastWritten.entrySet().stream().min(Map.Entry.comparingByValue())
                .map(oldest -> events.get(oldest.getKey()).stream().sorted().toList())
                .orElse(List.of());
    }

    /**
     * Deletes the finished recording in {@code dir}, its index first (so what is left of a
     * deletion cut short is no longer a recording), and logs what went and why.
     *
     * @param totalWhenOver what the recordings took when they passed the limit, for the log
     */
    void delete(Path dir, long totalWhenOver) {
        Directory directory = directories.get(dir);
        if (directory == null) {
            return;
        }
        String lastWritten = "unknown";
        try {
            lastWritten = Files.getLastModifiedTime(dir.resolve(RecordingIndex.FILE)).toString();
        } catch (IOException e) {
            // No index (an interrupted deletion, a recording that never got a segment): still deleted.
        }
        long freed = deleteFile(dir.resolve(RecordingIndex.FILE));
        for (Path file : children(dir)) {
            freed += deleteFile(file);
        }
        try {
            Files.deleteIfExists(dir);
            directories.remove(dir);
            // What the inventory counted, even if some of it was already gone (deleted by hand).
            total -= directory.bytes;
        } catch (IOException e) {
            directory.undeletable = true;
            directory.bytes -= freed;
            total -= freed;
            log.warn("recordings: cannot delete {}: {}; it is left as it is", dir, e.toString());
        }
        pruned.addAndGet(freed);
        log.warn("recordings took {} bytes, over packaging.recordings_max_bytes ({}): deleted the finished recording"
                + " {} ({} bytes, last written {})", totalWhenOver, maxBytes, root.relativize(dir), freed, lastWritten);
        try {
            Files.deleteIfExists(dir.getParent());
        } catch (DirectoryNotEmptyException e) {
            // The stream has other recordings.
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", dir.getParent(), e.toString());
        }
    }

    /** Deletes {@code file} and returns the bytes that freed (0 if it was gone or cannot be deleted). */
    static long deleteFile(Path file) {
        try {
            long size = Files.size(file);
            Files.delete(file);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            log.warn("recordings: cannot delete {}: {}", file, e.toString());
            return 0;
        }
    }
}
