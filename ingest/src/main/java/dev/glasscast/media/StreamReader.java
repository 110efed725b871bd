package dev.glasscast.media;

import java.util.List;

/**
 * Receives the events of one live stream, in order, on a thread of its own (never the
 * publisher's). A reader may take its time: the hub queues up to a bounded number of access
 * units for it and drops beyond that (see {@link StreamHub}), so a slow reader never stalls
 * ingest or other readers.
 *
 * <p>Sequence: {@code onTracks} (once before any access unit, again when the tracks change),
 * {@code onAccessUnit}*, {@code onDiscontinuity} whenever the timeline breaks (for example the
 * encoder reconnected), and finally {@code onUnpublished} exactly once.
 */
public interface StreamReader {

    void onTracks(List<TrackInfo> tracks);

    void onAccessUnit(AccessUnit unit);

    default void onDiscontinuity() {
    }

    void onUnpublished();
}
