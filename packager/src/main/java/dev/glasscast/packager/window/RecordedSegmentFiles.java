package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import java.nio.file.Path;

/**
 * Where a segment the store still keeps in memory has also been recorded, so the HTTP layer can
 * send it from the file with {@code sendfile} instead of copying it from memory into the socket.
 * Answers from memory; called on event loops.
 */
@FunctionalInterface
public interface RecordedSegmentFiles {

    /** Nothing is recorded. */
    RecordedSegmentFiles NONE = (path, sequence) -> null;

    /**
     * The file that durably holds segment {@code sequence} of {@code path}, its parts back to
     * back, or null while it is not (or no longer known to be) recorded.
     */
    Path fileOf(StreamPath path, long sequence);
}
