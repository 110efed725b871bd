package dev.glasscast.server.webrtc;

/**
 * The last packets one RTP stream sent, as they went on the wire (SRTP), by sequence number: what
 * a NACK (RFC 4585 6.2.1) asks for again. A fixed ring, so a viewer's losses cost no memory
 * beyond it; a packet older than the ring is gone, and the receiver's next PLI recovers instead.
 *
 * <p>Not thread-safe: its owner ({@link WebRtcVideoSender}) guards it.
 */
final class WebRtcPacketHistory {

    /** About 1 s of a 2 Mbit/s rung in 1200-byte packets: longer than a NACK round trip on any usable path. */
    static final int DEFAULT_CAPACITY = 512;

    private final byte[][] packets;
    private final int[] sequences;

    WebRtcPacketHistory(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        packets = new byte[capacity][];
        sequences = new int[capacity];
    }

    /** Keeps {@code packet} (not copied: the caller hands it over) as sequence number {@code sequence}. */
    void add(int sequence, byte[] packet) {
        int slot = sequence & (packets.length - 1);
        packets[slot] = packet;
        sequences[slot] = sequence & 0xFFFF;
    }

    /** The packet sent as {@code sequence}, or null if it has left the ring (or was never sent). */
    byte[] find(int sequence) {
        int slot = sequence & (packets.length - 1);
        return packets[slot] != null && sequences[slot] == (sequence & 0xFFFF) ? packets[slot] : null;
    }
}
