package dev.glasscast.media;

import java.util.List;
import java.util.function.Consumer;

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

    /**
     * Says, in words for the operator, that part of what is published cannot be served (a codec
     * GlassCast does not take, say). Shown by the API and the dashboard for as long as this
     * publish lasts, and logged once.
     */
    void notice(String notice);

    /** Marks a break in the timeline, for example a reconnect of the encoder. */
    void discontinuity();

    /**
     * Registers how to drop this publisher's connection when the hub ends its stream from outside:
     * an operator's kick ({@link StreamHub#kick}), or a publisher taking over from a stand-in
     * ({@link StreamHub#publishStandIn}). The hub owns no sockets, so the ingest session that does
     * hands this in; it is called with the reason, on any thread, after the stream has ended.
     * Publishers without a connection (transcoder renditions) need not call it.
     */
    default void onDisconnect(Consumer<String> disconnect) {
    }

    /** Ends the stream: readers get {@link StreamReader#onUnpublished()}; the path is free again. */
    @Override
    void close();
}
