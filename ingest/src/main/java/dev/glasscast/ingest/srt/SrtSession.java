package dev.glasscast.ingest.srt;

import java.net.InetSocketAddress;

/**
 * One SRT connection after its handshake, as the listener routes packets and timer ticks to it:
 * a publisher's ({@link SrtReceiverSession}) or a reader's ({@link SrtSenderSession}). Used on
 * the listener's event loop only.
 */
interface SrtSession {

    /**
     * Who is at the other end and how the handshake ended.
     *
     * @param stream            the stream it publishes or reads (for the log)
     * @param socketId          our socket id for it
     * @param peerSocketId      the caller's socket id, the destination of what we send
     * @param handshakeResponse the conclusion response, sent again when the caller repeats its conclusion
     */
    record Connection(String stream, InetSocketAddress peer, int socketId, int peerSocketId,
                      SrtControlPacket handshakeResponse) {
    }

    Connection connection();

    default int socketId() {
        return connection().socketId();
    }

    default int peerSocketId() {
        return connection().peerSocketId();
    }

    default InetSocketAddress peer() {
        return connection().peer();
    }

    default String stream() {
        return connection().stream();
    }

    default SrtControlPacket handshakeResponse() {
        return connection().handshakeResponse();
    }

    void onPacket(SrtPacket packet, long nowMicros);

    /** The timer, every {@link SrtReceiverSession#TICK_MICROS}. */
    void tick(long nowMicros);

    /** Ends the session and tells the peer (unless it left). Idempotent. */
    void close(String why);

    boolean isClosed();

    /** How long since the peer last sent anything. */
    long silentFor(long nowMicros);
}
