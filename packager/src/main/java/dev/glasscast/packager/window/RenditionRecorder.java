package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;

/**
 * Where the store hands each closed segment to be recorded, and where it finds a segment's
 * recorded copy once it keeps only the newest segments in memory (the DVR window beyond the
 * memory window is served from the recording: one copy of the bytes, on disk).
 *
 * <p>Threading: {@link #started}, {@link #closed} and {@link #ended} are called on the
 * publishing thread with the rendition's lock held, so they must only hand work on (never
 * write or wait). {@link #recorded} is called there too and must answer from memory.
 */
public interface RenditionRecorder {

    /** Records nothing; the store keeps the whole DVR window in memory. */
    RenditionRecorder NONE = new RenditionRecorder() {
        @Override
        public void started(StreamPath path, boolean continuesEarlier) {
        }

        @Override
        public void closed(StreamPath path, TrackInfo track, InitSegment init, MediaSegment segment) {
        }

        @Override
        public void ended(StreamPath path) {
        }

        @Override
        public MediaSegment recorded(StreamPath path, MediaSegment segment) {
            return null;
        }
    };

    /**
     * A publication of {@code path} starts.
     *
     * @param continuesEarlier true for a reconnect whose segments continue the earlier
     *                         publication's (one event, one recording); false for a new event
     */
    void started(StreamPath path, boolean continuesEarlier);

    /**
     * A segment closed. The recorder takes retained slices of what it keeps; it must not keep
     * the segment's buffers beyond this call otherwise.
     *
     * @param init the init segment the segment decodes with
     */
    void closed(StreamPath path, TrackInfo track, InitSegment init, MediaSegment segment);

    /** The publisher of {@code path} stopped: no segment follows until it starts again. */
    void ended(StreamPath path);

    /**
     * {@code segment} as read from its durably recorded file, or null while it is not (or will
     * never be) recorded.
     */
    MediaSegment recorded(StreamPath path, MediaSegment segment);
}
