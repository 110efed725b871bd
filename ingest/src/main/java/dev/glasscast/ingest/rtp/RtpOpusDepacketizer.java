package dev.glasscast.ingest.rtp;

import java.util.Optional;

/**
 * Takes Opus packets out of RTP (RFC 7587) for WHIP ingest. Packets must arrive in sequence
 * order; duplicates and late packets are dropped, gaps are reported on the next frame so the
 * Opus decoder can conceal them. Empty payloads and invalid TOCs are dropped and counted, never
 * thrown: the payload comes from the network. Not thread-safe: one instance per audio track.
 */
public final class RtpOpusDepacketizer {

    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private boolean started;
    private int lastSequence;
    private long lostPackets;
    private long malformedPackets;

    public Optional<RtpOpusFrame> push(RtpPacket packet) {
        return push(packet.sequence(), packet.timestamp(), packet.payload());
    }

    /** The frame in {@code payload} (taken over, not copied), or empty if it is late, duplicated or malformed. */
    public Optional<RtpOpusFrame> push(int sequence, int timestamp, byte[] payload) {
        sequence &= 0xFFFF;
        int lost = 0;
        if (started) {
            int delta = (short) (sequence - lastSequence);
            if (delta <= 0) {
                return Optional.empty();
            }
            lost = delta - 1;
        }
        started = true;
        lastSequence = sequence;
        lostPackets += lost;
        int duration = RtpOpusTocReader.durationSamples(payload);
        if (duration < 0) {
            malformedPackets++;
            return Optional.empty();
        }
        return Optional.of(new RtpOpusFrame(timestamps.unwrap(timestamp), duration, lost, payload));
    }

    public long lostPackets() {
        return lostPackets;
    }

    public long malformedPackets() {
        return malformedPackets;
    }
}
