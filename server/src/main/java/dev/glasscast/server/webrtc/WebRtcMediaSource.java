package dev.glasscast.server.webrtc;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;

/** Where a WebRTC session's media comes from: one of the stream's live renditions. */
@FunctionalInterface
public interface WebRtcMediaSource {

    /**
     * Attaches {@code sink} to the rendition of {@code stream} a WebRTC viewer starts on; closing
     * the result detaches it. When nothing can be sent, {@link Sink#ended} is called (maybe
     * before this returns).
     */
    AutoCloseable attach(String stream, Sink sink);

    /**
     * Receives the rendition's video, in order, on one thread, and the stream's sound as Opus,
     * in order, on another (never the publisher's).
     */
    interface Sink {

        /** The rendition's name, then its video track; again when the track changes. */
        void videoTrack(String rendition, TrackInfo track);

        void videoUnit(AccessUnit unit);

        /** One 20 ms Opus frame, its pts at 48 kHz on the same media timeline as the video's. */
        void audioUnit(AccessUnit opus);

        /** Nothing more will come, and why. */
        void ended(String why);
    }
}
