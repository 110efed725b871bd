package dev.glasscast.server.webrtc;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import java.util.function.Consumer;

/** Where a WebRTC session's media comes from: the stream's live renditions and its sound. */
public interface WebRtcMediaSource {

    /**
     * The renditions of {@code stream} a WebRTC viewer may get, largest first: the session starts
     * on the first and adapts among them. Empty when none is live.
     */
    List<String> videoRenditions(String stream);

    /**
     * Attaches {@code sink} to the video of one rendition of {@code stream}; closing the result
     * detaches it. When nothing can be sent, {@link VideoSink#ended} is called (maybe before this
     * returns).
     */
    AutoCloseable attachVideo(String stream, String rendition, VideoSink sink);

    /**
     * Attaches {@code opus} to the stream's sound: 20 ms Opus frames, their pts at 48 kHz on the
     * same media timeline as the video's, in order, on one thread (never the publisher's).
     */
    AutoCloseable attachAudio(String stream, Consumer<AccessUnit> opus);

    /** Receives one rendition's video, in order, on one thread. */
    interface VideoSink {

        /** The rendition's video track; again when the track changes. */
        void videoTrack(String rendition, TrackInfo track);

        void videoUnit(String rendition, AccessUnit unit);

        /** Nothing more will come from {@code rendition}, and why. */
        void ended(String rendition, String why);
    }
}
