package dev.glasscast.ingest.rtcp;

/**
 * A packet of a type or feedback format GlassCast does not read (APP, XR, other FMTs), kept
 * so a compound packet decodes whole.
 *
 * @param packetType the PT field
 * @param count      the five-bit count or FMT field
 * @param body       the bytes after the common header, padding removed; never modified
 */
public record RtcpUnknownPacket(int packetType, int count, byte[] body) implements RtcpPacket {
}
