package dev.glasscast.ingest.srt;

/** The control packet types (draft-sharabayko-srt 3.2, Table 1). */
public enum SrtControlType {
    HANDSHAKE(0x0000),
    KEEPALIVE(0x0001),
    ACK(0x0002),
    NAK(0x0003),
    CONGESTION_WARNING(0x0004),
    SHUTDOWN(0x0005),
    ACKACK(0x0006),
    DROPREQ(0x0007),
    PEER_ERROR(0x0008),
    USER_DEFINED(0x7FFF);

    /** USER_DEFINED subtypes that carry key material (SRT_CMD_KMREQ, SRT_CMD_KMRSP). */
    public static final int SUBTYPE_KMREQ = 3;
    public static final int SUBTYPE_KMRSP = 4;

    final int code;

    SrtControlType(int code) {
        this.code = code;
    }

    /** The type with {@code code}, or null for codes this listener does not know. */
    static SrtControlType of(int code) {
        for (SrtControlType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
