package dev.glasscast.ingest.stun;

/**
 * STUN methods this codec understands. An ICE-lite agent only ever sees Binding (RFC 8445
 * section 7.3): checks are requests, keepalives are indications. Other methods (TURN's
 * Allocate, Refresh...) are refused by the decoder rather than modelled.
 */
public enum StunMethod {
    BINDING(0x001);

    final int code;

    StunMethod(int code) {
        this.code = code;
    }

    /** The method with {@code code}, or null for one this codec does not understand. */
    static StunMethod of(int code) {
        for (StunMethod method : values()) {
            if (method.code == code) {
                return method;
            }
        }
        return null;
    }
}
