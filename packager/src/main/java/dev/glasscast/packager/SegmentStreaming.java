package dev.glasscast.packager;

import io.netty.buffer.ByteBuf;

/**
 * Delivery of a segment while it is being written (low-latency DASH: chunked transfer of a
 * segment announced before it is complete). The HTTP layer asks before going through the edge
 * cache: such responses are passed through uncached (the finished segment is then cached like any
 * other under the same key by later requests).
 */
public interface SegmentStreaming {

    /** Receives a streamed segment's parts in order, then its end. Calls may come from any thread, one at a time. */
    interface PartSink {
        /** One part (moof + mdat); ownership passes to the sink. */
        void part(ByteBuf part);

        /**
         * The end: {@code complete} if every part of the segment was sent, false if the segment
         * will never complete (publisher gone, evicted, or waited too long).
         */
        void end(boolean complete);
    }

    /**
     * Starts streaming {@code request}'s object to {@code sink} if it names a segment being
     * written (or about to be), and returns true; returns false, without calling the sink, for
     * everything else.
     */
    boolean streamIfOpen(OriginRequest request, PartSink sink);
}
