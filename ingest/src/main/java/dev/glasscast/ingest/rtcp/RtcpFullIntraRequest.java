package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Full Intra Request (RFC 5104 4.3.1). Unlike PLI it names the media sources in its entries
 * (the header's media SSRC is 0) and carries a command sequence number per source, so a
 * repeated request with the same number is not a new one.
 */
public record RtcpFullIntraRequest(int senderSsrc, List<Entry> entries) implements RtcpPacket {

    /** @param sequence command sequence number, 0..255 */
    public record Entry(int ssrc, int sequence) {
    }

    public RtcpFullIntraRequest {
        entries = List.copyOf(entries);
    }
}
