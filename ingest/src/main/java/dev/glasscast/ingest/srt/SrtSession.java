package dev.glasscast.ingest.srt;

import java.net.InetSocketAddress;

/**
 * One SRT connection after its handshake, as the listener routes packets and timer ticks to it:
 * a publisher's ({@link SrtReceiverSession}) or a reader's ({@link SrtSenderSession}). Used on
 * the listener's event loop only.
 */
interface SrtSession {

    int socketId();

    int peerSocketId();

    InetSocketAddress peer();

    /** The stream it publishes or reads. */
    String stream();

    /** The conclusion response, sent again when the caller repeats its conclusion. */
    SrtControlPacket handshakeResponse();

    void onPacket(SrtPacket packet, long nowMicros);

    /** The timer, every {@link SrtReceiverSession#TICK_MICROS}. */
    void tick(long nowMicros);

    /** Ends the session and tells the peer (unless it left). Idempotent. */
    void close(String why);

    boolean isClosed();

    /** How long since the peer last sent anything. */
    long silentFor(long nowMicros);
}
