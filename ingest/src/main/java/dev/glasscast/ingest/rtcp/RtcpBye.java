package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Goodbye (RFC 3550 6.6): the sources are leaving.
 *
 * @param ssrcs  the sources, at most 31
 * @param reason the reason text, or empty; at most 255 bytes of UTF-8 to be encodable
 */
public record RtcpBye(List<Integer> ssrcs, String reason) implements RtcpPacket {

    public RtcpBye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException("at most 31 sources");
        }
    }
}
