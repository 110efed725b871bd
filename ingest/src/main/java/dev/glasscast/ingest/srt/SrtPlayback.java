package dev.glasscast.ingest.srt;

import java.net.InetAddress;

/**
 * Where SRT readers ({@code m=request}) get their MPEG-TS: the daemon's renditions. The listener
 * only speaks SRT; what a reader may have and how it is muxed is decided behind this interface.
 * Both methods are called on the listener's event loop and must not block.
 */
public interface SrtPlayback {

    /** A listener that ingests only: every reader is refused as a bad mode. */
    SrtPlayback NONE = new SrtPlayback() {
        @Override
        public Refusal check(SrtReadRequest request, InetAddress reader) {
            return new Refusal(SrtRejectReason.BAD_MODE, "this listener does not serve readers");
        }

        @Override
        public Feed open(SrtReadRequest request, Sink sink) {
            throw new IllegalStateException("no SRT playback");
        }
    };

    /** Why a reader is refused, in words for the log. */
    record Refusal(SrtRejectReason reason, String why) {
    }

    /** Receives the MPEG-TS of one reader. Called from the feed's own thread. */
    interface Sink {
        /**
         * Takes whole 188-byte TS packets, at most seven (1316 bytes, one SRT payload). Returns
         * false when the reader cannot take more now (its send queue is full): the feed then
         * drops and starts again at the next key frame.
         */
        boolean send(byte[] packets);

        /** The feed has ended (the stream ended); the session tells the reader and closes. */
        void end(String why);
    }

    /** A running feed; closing it stops it (the reader left). */
    interface Feed extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether {@code reader} may have what it asks for: null if so, else why not. */
    Refusal check(SrtReadRequest request, InetAddress reader);

    /** Starts feeding {@code sink} with the stream's MPEG-TS, from its next key frame. */
    Feed open(SrtReadRequest request, Sink sink);
}
