package dev.glasscast.media;

import java.util.List;

/**
 * The publishing side of one live stream in the {@link StreamHub}. Owned by exactly one
 * producer (an ingest session or a transcoder), which calls it from one thread at a time.
 * None of these methods block.
 */
public interface StreamPublisher extends AutoCloseable {

    LiveStream stream();

    /** Announces (or changes) the tracks; must come before the first access unit of a track. */
    void tracks(List<TrackInfo> tracks);

    /** Hands one access unit to every reader; readers that are too far behind drop it. */
    void send(AccessUnit unit);

    /** Marks a break in the timeline, for example a reconnect of the encoder. */
    void discontinuity();

    /**
     * Registers how to disconnect this publisher's connection when an operator kicks the stream
     * ({@link StreamHub#kick}). The hub owns no sockets, so the ingest session that does hands
     * this in; it may run on any thread. Publishers without a connection (transcoder renditions)
     * need not call it: a kick then just ends the stream.
     */
    default void onKick(Runnable disconnect) {
    }

    /** Ends the stream: readers get {@link StreamReader#onUnpublished()}; the path is free again. */
    @Override
    void close();
}
