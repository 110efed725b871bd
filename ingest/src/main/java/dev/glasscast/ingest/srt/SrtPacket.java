package dev.glasscast.ingest.srt;

/** One SRT packet (draft-sharabayko-srt section 3): data or control, by the header's first bit. */
public sealed interface SrtPacket permits SrtDataPacket, SrtControlPacket {

    /** Bytes of the common header: four 32-bit words. */
    int HEADER_SIZE = 16;

    /** The 32-bit timestamp: microseconds since the sender's socket started, wrapping. */
    int timestamp();

    /** The receiver's socket id; 0 in a caller's first handshake. */
    int destinationSocket();
}
