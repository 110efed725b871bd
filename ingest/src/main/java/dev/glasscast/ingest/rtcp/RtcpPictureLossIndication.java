package dev.glasscast.ingest.rtcp;

/** Picture Loss Indication (RFC 4585 6.3.1): the receiver needs a key frame of {@code mediaSsrc}. */
public record RtcpPictureLossIndication(int senderSsrc, int mediaSsrc) implements RtcpPacket {
}
