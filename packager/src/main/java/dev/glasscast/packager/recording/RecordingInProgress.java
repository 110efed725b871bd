package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread's state of one rendition's current recording, and its index opened for
 * appending. The writer and the trimmer share it, both on the writer thread only.
 */
final class RecordingInProgress {

    private static final Logger log = LoggerFactory.getLogger(RecordingInProgress.class);

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

    RecordingInProgress(StreamPath path, Path dir, boolean fresh) {
        this.path = path;
        this.dir = dir;
        this.fresh = fresh;
    }

    boolean beingWritten() {
        return !fresh && !ended;
    }

    /**
     * Opens the index for appending: a new one (with its first line), or the one a failure or a
     * trim closed, cut back to its last complete line.
     *
     * @param retention counts the first line of a new index
     */
    void openIndex(RecordingRetention retention) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(RecordingIndex.FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size > indexLength) {
                // A line torn by the failure: the reader stops at it, so nothing after it would play.
                channel.truncate(indexLength);
            }
            indexLength = Math.min(size, indexLength);
            channel.position(indexLength);
            index = channel;
            if (indexLength == 0) {
                lastInit = -1;
                retention.grew(dir, append(RecordingIndex.header()));
            }
        } catch (IOException | RuntimeException e) {
            index = null;
            channel.close();
            throw e;
        }
    }

    /** Appends whole lines and forces them to disk; returns their bytes. */
    long append(CharSequence text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                index.write(bytes);
            }
            index.force(false);
        } catch (IOException e) {
            try {
                index.truncate(indexLength);
            } catch (IOException ignored) {
                // Reopening the index cuts it back.
            }
            throw e;
        }
        indexLength += bytes.limit();
        return bytes.limit();
    }

    void closeIndex() {
        if (index != null) {
            try {
                index.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", dir, e.toString());
            }
            index = null;
        }
    }
}
