package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the renderers read in the daemon: a stream's live renditions while the store holds any,
 * else its recording, so a recording plays at the live URLs (after the store's retention and
 * after a restart) and a new publication takes the URLs back.
 *
 * <p>Once a rendition has ended and its reconnect grace is over, its recording is preferred as
 * soon as it holds every segment the store does: the store keeps only the DVR window, the
 * recording the whole event, so the moment an event is over its full recording plays (same
 * segment numbers and init names, so URLs players and caches already hold stay valid). Within
 * the grace the store is served: a recorded segment is one part, so the recording answered
 * {@code part{N}.{I}} with I > 0 with 404 and cut a low-latency DASH segment streamed while the
 * publisher left short (its last part was looked up in the recording), while the store, and
 * the playlists after a reconnect, still have those parts.
 */
public final class ServedRenditions implements RenditionLookup {

    private final RenditionLookup live;
    private final RenditionLookup recorded;
    private final Clock clock;
    private final Duration reconnectGrace;

    /**
     * @param clock          wall clock, against the time the rendition ended
     * @param reconnectGrace how long after its publisher stopped a rendition may still go on
     *                       (the origins' grace): the store is served until it is over
     */
    public ServedRenditions(RenditionLookup live, RenditionLookup recorded, Clock clock, Duration reconnectGrace) {
        this.live = live;
        this.recorded = recorded;
        this.clock = clock;
        this.reconnectGrace = reconnectGrace;
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (!live.renditions(rendition.stream()).isEmpty()) {
            Optional<RenditionSnapshot> current = live.find(rendition);
            return current.map(this::recordedIfComplete);
        }
        return recorded.find(rendition);
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        List<RenditionSnapshot> current = live.renditions(stream);
        if (current.isEmpty()) {
            return recorded.renditions(stream);
        }
        List<RenditionSnapshot> served = new ArrayList<>(current.size());
        for (RenditionSnapshot snapshot : current) {
            served.add(recordedIfComplete(snapshot));
        }
        return served;
    }

    /** The recording of a rendition over for good when it covers what the store holds, else the store's. */
    private RenditionSnapshot recordedIfComplete(RenditionSnapshot snapshot) {
        if (!snapshot.ended() || snapshot.segments().isEmpty()
                || clock.instant().isBefore(snapshot.updatedAt().plus(reconnectGrace))) {
            return snapshot;
        }
        Optional<RenditionSnapshot> recording = recorded.find(snapshot.path());
        if (recording.isEmpty()) {
            return snapshot;
        }
        RenditionSnapshot whole = recording.get();
        long first = snapshot.segments().getFirst().sequence();
        long last = snapshot.segments().getLast().sequence();
        boolean covers = whole.segment(last) != null && whole.segments().getFirst().sequence() <= first;
        if (!covers) {
            return snapshot;
        }
        // The store knows when the publisher stopped (the reconnect grace counts from it).
        return new RenditionSnapshot(whole.path(), whole.track(), whole.format(), whole.init(), whole.segments(),
                List.of(), Math.max(whole.maxSegmentDuration(), snapshot.maxSegmentDuration()), true,
                snapshot.updatedAt(), whole.nextSequence(), whole.inits());
    }
}
