package dev.glasscast.server.webrtc;

/** Asks a rendition's encoder for a key frame: what a WebRTC viewer's PLI or FIR turns into. */
@FunctionalInterface
public interface WebRtcKeyFrames {

    /**
     * Asks for a key frame of {@code stream}'s {@code rendition} soon (the encoder rate-limits);
     * false when nothing can make one, e.g. a copy rung, whose key frames are the publisher's.
     */
    boolean request(String stream, String rendition);
}
