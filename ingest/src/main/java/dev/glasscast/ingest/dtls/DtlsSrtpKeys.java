package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpProfile;
import java.util.Arrays;

/**
 * The SRTP master keys and salts a DTLS-SRTP handshake exported (RFC 5764 section 4.2): the
 * client writes with the client key and salt, the server with the server's, and each reads
 * with the other's.
 *
 * <p>The arrays are owned by this record; accessors return them as they are, so callers must
 * not change them.
 */
public record DtlsSrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {

    /** The exporter label of RFC 5764 section 4.2. */
    public static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    /** How many bytes to export for {@code profile}: two keys and two salts. */
    public static int materialLength(SrtpProfile profile) {
        return 2 * (profile.keyLength() + profile.saltLength());
    }

    /**
     * Splits exported keying material laid out as client key, server key, client salt, server
     * salt (RFC 5764 section 4.2).
     */
    public static DtlsSrtpKeys split(SrtpProfile profile, byte[] material) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (material.length != materialLength(profile)) {
            throw new IllegalArgumentException(profile + " needs " + materialLength(profile) + " bytes of keying material");
        }
        return new DtlsSrtpKeys(profile,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    /** The context that protects what {@code role} sends. */
    public SrtpContext sendContext(DtlsRole role, int maxSsrcs) {
        return role == DtlsRole.CLIENT ? new SrtpContext(profile, clientKey, clientSalt, maxSsrcs)
                : new SrtpContext(profile, serverKey, serverSalt, maxSsrcs);
    }

    /** The context that unprotects what {@code role} receives. */
    public SrtpContext receiveContext(DtlsRole role, int maxSsrcs) {
        return sendContext(role == DtlsRole.CLIENT ? DtlsRole.SERVER : DtlsRole.CLIENT, maxSsrcs);
    }

    @Override
    public String toString() {
        // Never the keys: this record may end up in a log line.
        return "DtlsSrtpKeys[" + profile + "]";
    }
}
