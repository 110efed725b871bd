package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * A receiver report (RFC 3550 6.4.2): loss, jitter and the LSR/DLSR pair the sender turns into
 * a round-trip time.
 *
 * @param ssrc    the reporting receiver
 * @param reports reception reports, at most 31
 */
public record RtcpReceiverReport(int ssrc, List<RtcpReportBlock> reports) implements RtcpPacket {

    public RtcpReceiverReport {
        reports = List.copyOf(reports);
        if (reports.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks");
        }
    }
}
