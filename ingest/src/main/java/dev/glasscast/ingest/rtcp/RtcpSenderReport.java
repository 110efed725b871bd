package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * A sender report (RFC 3550 6.4.1): ties an RTP timestamp to the wall clock, which is what
 * lets a browser line up audio and video.
 *
 * @param ssrc         the sender
 * @param ntpTimestamp 64-bit NTP time (see {@link RtcpNtpTime})
 * @param rtpTimestamp the RTP timestamp of the same instant
 * @param packetCount  packets sent since the start (wrapping 32-bit)
 * @param octetCount   payload octets sent since the start (wrapping 32-bit)
 * @param reports      reception reports, at most 31
 */
public record RtcpSenderReport(int ssrc, long ntpTimestamp, int rtpTimestamp, int packetCount, int octetCount,
                               List<RtcpReportBlock> reports) implements RtcpPacket {

    public RtcpSenderReport {
        reports = List.copyOf(reports);
        if (reports.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks");
        }
    }
}
