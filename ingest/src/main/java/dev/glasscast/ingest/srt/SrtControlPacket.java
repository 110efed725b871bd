package dev.glasscast.ingest.srt;

/**
 * A control packet (draft-sharabayko-srt 3.2):
 * <pre>
 * |1|       Control Type (15)        |          Subtype (16)          |
 * |                 Type-specific Information (32)                    |
 * |                          Timestamp (32)                           |
 * |                    Destination Socket ID (32)                     |
 * |               Control Information Field (CIF)                     |
 * </pre>
 *
 * @param typeInfo the type-specific word: ACK number for ACK/ACKACK, message number for DROPREQ
 * @param body     the CIF; owned by this record, never modified
 */
public record SrtControlPacket(SrtControlType type, int subtype, int typeInfo, int timestamp, int destinationSocket,
                               byte[] body) implements SrtPacket {

    public static SrtControlPacket of(SrtControlType type, int typeInfo, int timestamp, int destinationSocket, byte[] body) {
        return new SrtControlPacket(type, 0, typeInfo, timestamp, destinationSocket, body);
    }
}
