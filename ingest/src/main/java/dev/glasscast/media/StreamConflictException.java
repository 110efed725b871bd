package dev.glasscast.media;

/** A publisher asked for a stream path that another publisher already holds. */
public final class StreamConflictException extends Exception {

    public StreamConflictException(StreamPath path) {
        super("stream " + path + " is already being published");
    }
}
