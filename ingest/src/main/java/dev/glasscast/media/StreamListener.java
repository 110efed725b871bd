package dev.glasscast.media;

/** Learns of every stream published in the {@link StreamHub} and decides whether to read it. */
@FunctionalInterface
public interface StreamListener {

    /**
     * Called once for each stream, when it is published (or at registration for streams already
     * live). Runs on the publisher's thread: it must return quickly and never block.
     *
     * @return a reader for this stream's events, or {@code null} to ignore the stream
     */
    StreamReader onPublished(LiveStream stream);
}
