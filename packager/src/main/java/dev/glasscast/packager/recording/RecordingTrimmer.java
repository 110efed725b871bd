package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.recording.RecordingIndex.IndexedSegment;
import dev.glasscast.packager.window.SegmentStoreLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the recordings within {@code maxBytes} (see {@link RecordingRetention}): after each
 * written segment that takes them past it, whole finished recordings are deleted, oldest first;
 * if only recordings being written are left, their oldest segments are trimmed, never what the
 * live store may still hold of them (its DVR window, {@code kept}).
 *
 * <p>A trim rewrites the index whole and durably (temporary file, forced, renamed, directory
 * forced) before deleting any file, with the {@code track}/{@code init} lines of the first
 * segment kept, so the recording reads the same from its new first segment on (a start, not a
 * discontinuity) whenever a crash comes.
 *
 * <p>Threading: the writer thread only.
 */
final class RecordingTrimmer {

    private static final Logger log = LoggerFactory.getLogger(RecordingTrimmer.class);

    /** A recording being written, read for trimming: how many of its oldest segments go. */
    private static final class TrimCandidate {
        final RecordingInProgress recording;
        final List<String> lines;
        final List<IndexedSegment> segments;
        /** Segments older than what the live store may still hold: only these may go. */
        final int unprotected;
        int cut;

        TrimCandidate(RecordingInProgress recording, List<String> lines, List<IndexedSegment> segments,
                      int unprotected) {
            this.recording = recording;
            this.lines = lines;
            this.segments = segments;
            this.unprotected = unprotected;
        }

        IndexedSegment nextToGo() {
            return cut < unprotected ? segments.get(cut) : null;
        }
    }

    private final Path root;
    private final RecordingRetention retention;
    private final SegmentStoreLimits kept;
    private final DurableSegmentFiles durable;
    private final RecordingLookup lookup;
    private final Map<StreamPath, RecordingInProgress> recordings;

    /**
     * @param kept       what the live store keeps of each rendition; may be null only without a limit
     * @param lookup     forgets what it cached of a recording about to be deleted
     * @param recordings the recordings being written, shared with the writer
     */
    RecordingTrimmer(Path root, RecordingRetention retention, SegmentStoreLimits kept, DurableSegmentFiles durable,
                     RecordingLookup lookup, Map<StreamPath, RecordingInProgress> recordings) {
        this.root = root;
        this.retention = retention;
        this.kept = kept;
        this.durable = durable;
        this.lookup = lookup;
        this.recordings = recordings;
    }

    /**
     * Within the limit again, if the recordings passed it: whole finished events first, oldest
     * first, then the oldest segments of the recordings being written.
     */
    void keepWithinLimit() {
        if (!retention.overLimit()) {
            return;
        }
        long totalWhenOver = retention.totalBytes();
        Map<Path, RecordingInProgress> writing = new HashMap<>();
        for (RecordingInProgress recording : recordings.values()) {
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
            recording.closeIndex();
            durable.forget(recording.path);
            return true;
        });
        lookup.forget(dir);
    }

    /** Trims the oldest segments, whichever recording being written holds them, down to the target. */
    private void trimOldestSegments(Collection<RecordingInProgress> writing, long totalWhenOver) {
        List<TrimCandidate> candidates = new ArrayList<>();
        for (RecordingInProgress recording : writing) {
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

    private TrimCandidate readForTrim(RecordingInProgress recording) throws IOException {
        List<String> lines = RecordingIndex.completeLines(recording.dir);
        List<IndexedSegment> segments = RecordingIndex.segmentsForTrim(lines);
        // As the live store evicts (SegmentWindow.evictBeyondDvrWindow): what it may still hold,
        // maybe from this file (the DVR window beyond memory), stays.
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
     * then the files nothing lists any more are deleted. A crash in between leaves unlisted files,
     * never a listed segment without its file.
     */
    private void trim(TrimCandidate candidate, long totalWhenOver) {
        RecordingInProgress recording = candidate.recording;
        IndexedSegment firstKept = candidate.segments.get(candidate.cut);
        List<IndexedSegment> gone = candidate.segments.subList(0, candidate.cut);
        byte[] index = RecordingIndex.trimmed(candidate.lines, firstKept);
        long freed = recording.indexLength - index.length;
        try {
            RecordingWriter.writeDurably(recording.dir.resolve(RecordingIndex.FILE), index);
        } catch (IOException e) {
            log.warn("recordings: cannot rewrite the index of {} to trim it: {}; the recordings stay over the"
                    + " limit until it can", recording.dir, e.toString());
            return;
        }
        RecordingWriter.forceDirectory(recording.dir);
        recording.closeIndex();
        recording.indexLength = index.length;
        try {
            recording.openIndex(retention);
        } catch (IOException e) {
            // The next segment opens it again, as after a failed write.
            log.warn("recordings: cannot reopen the trimmed index of {}: {}", recording.dir, e.toString());
        }
        durable.forgetBefore(recording.path, firstKept.sequence());
        for (IndexedSegment segment : gone) {
            freed += RecordingRetention.deleteFile(RecordingIndex.segmentFile(recording.dir, segment.sequence()));
        }
        for (long init : gone.stream().mapToLong(IndexedSegment::initSequence).distinct().toArray()) {
            if (init != firstKept.initSequence()) {
                freed += RecordingRetention.deleteFile(RecordingIndex.initFile(recording.dir, init));
            }
        }
        retention.shrank(recording.dir, freed);
        log.warn("recordings took {} bytes, over packaging.recordings_max_bytes ({}): trimmed segments {} to {}"
                + " (recorded {} to {}, {} bytes) from the start of {}, which is being recorded; it now starts at"
                + " segment {}", totalWhenOver, retention.maxBytes(), gone.getFirst().sequence(), gone.getLast().sequence(),
                gone.getFirst().createdAt(), gone.getLast().createdAt(), freed, root.relativize(recording.dir),
                firstKept.sequence());
    }
}
