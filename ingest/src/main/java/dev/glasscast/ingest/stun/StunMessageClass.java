package dev.glasscast.ingest.stun;

/** The two class bits of a STUN message type (RFC 8489 section 5): C1 is bit 8, C0 bit 4. */
public enum StunMessageClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    final int bits;

    StunMessageClass(int bits) {
        this.bits = bits;
    }

    static StunMessageClass of(int bits) {
        return values()[bits & 0b11];
    }
}
