package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 2.2): an application
 * layer feedback message with the receiver's estimate of the bitrate it can take, over the
 * sources it lists.
 *
 * @param senderSsrc the receiver
 * @param bitrate    bits per second (the wire form is an 18-bit mantissa and 6-bit exponent)
 * @param ssrcs      the media sources the estimate covers, at most 255
 */
public record RtcpRemb(int senderSsrc, long bitrate, List<Integer> ssrcs) implements RtcpPacket {

    public RtcpRemb {
        ssrcs = List.copyOf(ssrcs);
        if (bitrate < 0 || ssrcs.size() > 255) {
            throw new IllegalArgumentException("negative bitrate or more than 255 SSRCs");
        }
    }
}
