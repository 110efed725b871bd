package dev.glasscast.ingest.rtp;

import dev.glasscast.media.AccessUnit;

/**
 * RFC 7587: one Opus packet is one RTP payload, never fragmented or aggregated, timestamped in
 * a 48 kHz clock whatever the encoder's internal rate. The marker bit stays clear: GlassCast's
 * Opus comes from a continuous transcode without DTX, so no talkspurt ever begins (RFC 3551 4.1).
 */
public final class RtpOpusPacketizer {

    public static final int CLOCK_RATE = 48_000;
    /** Default largest payload, as for video; an Opus packet at 510 kbit/s and 20 ms is 1275 bytes at most. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 1200;

    private final int timescale;
    private final int maxPayloadSize;

    /**
     * @param timescale      ticks per second of the access units' timestamps
     * @param maxPayloadSize largest packet accepted ({@link #DEFAULT_MAX_PAYLOAD_SIZE})
     */
    public RtpOpusPacketizer(int timescale, int maxPayloadSize) {
        if (timescale <= 0 || maxPayloadSize < 1) {
            throw new IllegalArgumentException("invalid timescale or payload size");
        }
        this.timescale = timescale;
        this.maxPayloadSize = maxPayloadSize;
    }

    public RtpOpusPacketizer(int timescale) {
        this(timescale, DEFAULT_MAX_PAYLOAD_SIZE);
    }

    /**
     * The payload of one Opus packet.
     *
     * @throws IllegalArgumentException if the packet is empty, has an invalid TOC or exceeds the payload size:
     *                                  our own encoder made it, so that is a bug, not input
     */
    public RtpPayload packetize(AccessUnit unit) {
        byte[] data = unit.data();
        if (data.length > maxPayloadSize || RtpOpusTocReader.durationSamples(data) < 0) {
            throw new IllegalArgumentException("not a sendable Opus packet: " + unit);
        }
        return new RtpPayload((int) RtpPayload.rescale(unit.pts(), timescale, CLOCK_RATE), false, data);
    }
}
