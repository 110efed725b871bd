package dev.glasscast.ingest.rtmp;

import java.time.Duration;

/**
 * The per-connection limits of the RTMP server. {@link #defaults()} documents the defaults.
 *
 * @param handshakeTimeout  time from connect to a complete handshake (default 10 s)
 * @param idleTimeout       time without any byte from the peer before the connection is closed
 *                          (default 20 s; encoders send media many times a second)
 * @param maxChunkSize      largest Set Chunk Size accepted from the peer (default 16 MiB)
 * @param maxMessageSize    largest RTMP message once publishing (default 8 MiB)
 * @param maxChunkStreams   most distinct chunk stream ids per connection (default 64)
 * @param maxBufferedBytes  most bytes of partially received messages per connection once
 *                          publishing (default 16 MiB)
 * @param maxMessageSizeBeforePublish largest RTMP message before a publish was authorised
 *                          (default 64 KiB; commands are far smaller); partial messages are then
 *                          bounded by four times this
 * @param outboundChunkSize the chunk size announced to and used towards the peer (default 4096)
 * @param windowSize        Window Acknowledgement Size and Set Peer Bandwidth sent on connect
 *                          (default 2.5 MB)
 */
public record RtmpServerLimits(
        Duration handshakeTimeout,
        Duration idleTimeout,
        int maxChunkSize,
        int maxMessageSize,
        int maxChunkStreams,
        int maxBufferedBytes,
        int maxMessageSizeBeforePublish,
        int outboundChunkSize,
        int windowSize) {

    public RtmpServerLimits {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxMessageSize < 1 || maxBufferedBytes < maxMessageSize
                || maxMessageSizeBeforePublish < 1 || maxMessageSizeBeforePublish > maxMessageSize) {
            throw new IllegalArgumentException("invalid RTMP message limits");
        }
        if (outboundChunkSize < 128 || outboundChunkSize > maxChunkSize || windowSize < 1) {
            throw new IllegalArgumentException("invalid RTMP chunk or window size");
        }
    }

    /** Partial-message budget before a publish was authorised. */
    public int maxBufferedBytesBeforePublish() {
        return Math.min(maxBufferedBytes, 4 * maxMessageSizeBeforePublish);
    }

    public static RtmpServerLimits defaults() {
        return new RtmpServerLimits(
                Duration.ofMillis(RtmpHandshakeHandler.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS),
                Duration.ofSeconds(20),
                RtmpChunkDecoder.DEFAULT_MAX_CHUNK_SIZE,
                RtmpChunkDecoder.DEFAULT_MAX_MESSAGE_SIZE,
                RtmpChunkDecoder.DEFAULT_MAX_CHUNK_STREAMS,
                RtmpChunkDecoder.DEFAULT_MAX_BUFFERED_BYTES,
                64 * 1024,
                4096,
                2_500_000);
    }

    public RtmpServerLimits withIdleTimeout(Duration newIdleTimeout) {
        return new RtmpServerLimits(handshakeTimeout, newIdleTimeout, maxChunkSize, maxMessageSize, maxChunkStreams,
                maxBufferedBytes, maxMessageSizeBeforePublish, outboundChunkSize, windowSize);
    }

    public RtmpServerLimits withHandshakeTimeout(Duration newHandshakeTimeout) {
        return new RtmpServerLimits(newHandshakeTimeout, idleTimeout, maxChunkSize, maxMessageSize, maxChunkStreams,
                maxBufferedBytes, maxMessageSizeBeforePublish, outboundChunkSize, windowSize);
    }
}
