package dev.glasscast.ingest.rtp;

/**
 * One RTP payload a packetizer made, with the header fields that belong to the media rather than
 * to the session. The sender adds sequence number, SSRC, payload type and its random timestamp
 * offset (RFC 3550 5.1) when it turns this into an {@link RtpPacket}.
 *
 * @param timestamp the media timestamp in the payload format's clock (90 kHz video, 48 kHz Opus),
 *                  from the access unit's pts, before any offset; 32-bit wrapping
 * @param marker    the RTP marker bit: last packet of a video access unit
 * @param payload   the payload bytes; owned by this record, never modified
 */
public record RtpPayload(int timestamp, boolean marker, byte[] payload) {

    public RtpPacket toPacket(int payloadType, int sequence, int ssrc, int timestampOffset) {
        return RtpPacket.of(marker, payloadType, sequence & 0xFFFF, timestamp + timestampOffset, ssrc, payload);
    }

    /** {@code ticks} of a track timescale in {@code clockRate}, rounded down, without overflow for any live stream. */
    static long rescale(long ticks, int timescale, int clockRate) {
        if (timescale == clockRate) {
            return ticks;
        }
        long whole = Math.floorDiv(ticks, timescale);
        long rest = Math.floorMod(ticks, timescale);
        return whole * clockRate + rest * clockRate / timescale;
    }
}
