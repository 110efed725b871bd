package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.List;

/**
 * Receives what a {@link TsDemuxer} finds, on the thread that feeds it. Shaped like
 * {@link dev.glasscast.media.StreamPublisher} so an ingest session can forward one to the other.
 */
public interface TsDemuxerListener {

    /**
     * The program's tracks, once each has its codec configuration; again whenever they change
     * (new PMT version, new SPS). Always before the first access unit of a track.
     */
    void onTracks(List<TrackInfo> tracks);

    /** One access unit; its timestamps are 90 kHz, unwrapped and non-decreasing per track. */
    void onAccessUnit(AccessUnit unit);

    /** Part of the program cannot be served (a codec GlassCast does not take), in words for the operator. */
    default void onNotice(String notice) {
    }

    /** The timeline jumped (encoder restart, a splice): timestamps were rebased to continue. */
    default void onDiscontinuity() {
    }
}
