package dev.glasscast.ingest.srt;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A snapshot of one SRT publisher's connection, refreshed about ten times a second.
 *
 * @param stream               the stream it publishes
 * @param peer                 the caller's address
 * @param socketId             our socket id for it
 * @param connectedAt          when the handshake completed
 * @param latencyMillis        the negotiated TSBPD latency
 * @param encrypted            whether its payloads are AES-encrypted
 * @param rttMicros            smoothed round-trip time from ACK/ACKACK
 * @param rttVarianceMicros    its variance
 * @param packetsReceived      data packets received, including retransmissions and duplicates
 * @param bytesReceived        payload bytes of those
 * @param packetsLost          sequence numbers found missing on arrival (before any retransmission)
 * @param packetsRetransmitted packets that arrived with the retransmission flag
 * @param packetsDropped       packets given up: too late for TSBPD, dropped by the sender, undecryptable
 * @param packetsDuplicate     packets received twice
 * @param receiveRatePackets   packets per second over the last second
 * @param receiveRateBits      payload bits per second over the last second
 * @param bufferPackets        packets waiting in the receiver buffer
 * @param tsContinuityErrors   MPEG-TS continuity-counter errors in what was delivered
 * @param keyRefreshes         key material refreshes (even/odd key rotations) applied
 */
public record SrtSessionStats(
        String stream,
        InetSocketAddress peer,
        int socketId,
        Instant connectedAt,
        int latencyMillis,
        boolean encrypted,
        long rttMicros,
        long rttVarianceMicros,
        long packetsReceived,
        long bytesReceived,
        long packetsLost,
        long packetsRetransmitted,
        long packetsDropped,
        long packetsDuplicate,
        long receiveRatePackets,
        long receiveRateBits,
        int bufferPackets,
        long tsContinuityErrors,
        long keyRefreshes) {
}
