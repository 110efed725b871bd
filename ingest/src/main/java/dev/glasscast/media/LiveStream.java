package dev.glasscast.media;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** What the hub knows about one live stream; readable from any thread. */
public final class LiveStream {

    private final StreamPath path;
    private final Instant publishedAt;
    private final boolean standIn;
    private volatile List<TrackInfo> tracks = List.of();
    private final LongAdder unitsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder unitsDropped = new LongAdder();
    private final List<String> notices = new CopyOnWriteArrayList<>();

    /** Distinct notices kept per publish; a publisher cannot grow the list without bound. */
    static final int MAX_NOTICES = 8;

    LiveStream(StreamPath path, Instant publishedAt, boolean standIn) {
        this.path = path;
        this.publishedAt = publishedAt;
        this.standIn = standIn;
    }

    public StreamPath path() {
        return path;
    }

    public Instant publishedAt() {
        return publishedAt;
    }

    /** Whether its publisher gives way to any other ({@link StreamHub#publishStandIn}). */
    public boolean standIn() {
        return standIn;
    }

    /** The tracks last announced by the publisher; empty until the first announcement. */
    public List<TrackInfo> tracks() {
        return tracks;
    }

    public long unitsIn() {
        return unitsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Access units dropped across all readers because a reader's queue was full. */
    public long unitsDropped() {
        return unitsDropped.sum();
    }

    /**
     * What of the published media cannot be served, in words for the operator (the API and the
     * dashboard show them), for example "audio in MP3 is ignored: only AAC is accepted". Empty
     * while everything published is served.
     */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /** Adds a notice; true if it is new (so the caller logs it once). */
    boolean addNotice(String notice) {
        synchronized (notices) {
            if (notices.contains(notice) || notices.size() >= MAX_NOTICES) {
                return false;
            }
            return notices.add(notice);
        }
    }

    void setTracks(List<TrackInfo> newTracks) {
        tracks = List.copyOf(newTracks);
    }

    void countIn(AccessUnit unit) {
        unitsIn.increment();
        bytesIn.add(unit.data().length);
    }

    void countDropped() {
        unitsDropped.increment();
    }

    @Override
    public String toString() {
        return "LiveStream[" + path + "]";
    }
}
