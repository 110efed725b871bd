package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Generic NACK (RFC 4585 6.2.1): the RTP packets the receiver misses, carried on the wire as
 * PID + BLP pairs (a packet id and a bitmask of the 16 that follow it) and kept here as the plain
 * list of sequence numbers, in wire order.
 *
 * @param senderSsrc     the receiver sending the NACK
 * @param mediaSsrc      the source whose packets are missing
 * @param lostSequences  16-bit sequence numbers; encoding assumes them in sending order
 */
public record RtcpGenericNack(int senderSsrc, int mediaSsrc, List<Integer> lostSequences) implements RtcpPacket {

    public RtcpGenericNack {
        lostSequences = List.copyOf(lostSequences);
    }
}
