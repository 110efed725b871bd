package dev.glasscast.ingest.rtp;

/**
 * One RFC 8285 header extension element: a local identifier negotiated in SDP
 * ({@code a=extmap}) and its data. Helpers build and read the two elements a WebRTC sender
 * writes for congestion control.
 *
 * @param id   1..14 for the one-byte form, 1..255 for the two-byte form
 * @param data the element's bytes; owned by this record, never modified
 */
public record RtpHeaderExtension(int id, byte[] data) {

    /** {@code a=extmap} URI of the transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
    public static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** {@code a=extmap} URI of abs-send-time (webrtc.org experiments). */
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    public RtpHeaderExtension {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id out of range: " + id);
        }
        if (data.length > 255) {
            throw new IllegalArgumentException("extension data longer than 255 bytes");
        }
    }

    /** The 2-byte transport-wide sequence number element. */
    public static RtpHeaderExtension transportSequence(int id, int sequence) {
        return new RtpHeaderExtension(id, new byte[] {(byte) (sequence >>> 8), (byte) sequence});
    }

    /** The 16-bit transport-wide sequence number of an element made by {@link #transportSequence}. */
    public int transportSequenceValue() {
        if (data.length < 2) {
            throw new RtpFormatException("transport-wide sequence number element shorter than 2 bytes");
        }
        return ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
    }

    /**
     * The 3-byte abs-send-time element: seconds in 6.18 fixed point, so it wraps every 64 s;
     * receivers use only differences.
     *
     * @param sendTimeNanos any monotonic send time in nanoseconds
     */
    public static RtpHeaderExtension absSendTime(int id, long sendTimeNanos) {
        // 2^18 units per second; whole seconds and the fraction apart, so nothing overflows.
        long seconds = Math.floorDiv(sendTimeNanos, 1_000_000_000L);
        long fraction = Math.floorMod(sendTimeNanos, 1_000_000_000L);
        long units = (seconds << 18) + (fraction << 18) / 1_000_000_000L;
        int value = (int) (units & 0xFFFFFF);
        return new RtpHeaderExtension(id, new byte[] {(byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The 24-bit 6.18 fixed-point value of an abs-send-time element. */
    public int absSendTimeValue() {
        if (data.length < 3) {
            throw new RtpFormatException("abs-send-time element shorter than 3 bytes");
        }
        return ((data[0] & 0xFF) << 16) | ((data[1] & 0xFF) << 8) | (data[2] & 0xFF);
    }
}
