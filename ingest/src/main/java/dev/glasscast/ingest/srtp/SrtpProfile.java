package dev.glasscast.ingest.srtp;

/**
 * The SRTP protection profiles GlassCast negotiates in DTLS's use_srtp extension (RFC 5764
 * section 4.1.2, RFC 7714 section 14.2), with the key and salt lengths the DTLS exporter must
 * produce for them. Browsers offer both; GCM comes first in our preference as it authenticates
 * with one AES pass and a 16-byte tag instead of AES plus HMAC-SHA1.
 */
public enum SrtpProfile {

    /** AEAD_AES_128_GCM (RFC 7714): 128-bit key, 96-bit salt, 16-byte tag. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),

    /** AES_CM_128_HMAC_SHA1_80 (RFC 3711, RFC 5764 4.1.2): 128-bit key, 112-bit salt, 80-bit tag. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The SRTPProtectionProfile value on the wire (IANA registry). */
    public int id() {
        return id;
    }

    /** Master (and session encryption) key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master (and session) salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag length in bytes appended to each packet. */
    public int tagLength() {
        return tagLength;
    }

    /** Whether the cipher authenticates by itself (GCM) rather than with HMAC-SHA1. */
    public boolean aead() {
        return this == AEAD_AES_128_GCM;
    }

    /** The profile with wire value {@code id}, or null when GlassCast does not implement it. */
    public static SrtpProfile byId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return profile;
            }
        }
        return null;
    }
}
