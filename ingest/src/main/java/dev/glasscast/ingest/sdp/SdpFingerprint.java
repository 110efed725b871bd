package dev.glasscast.ingest.sdp;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code a=fingerprint} (RFC 8122 section 5, used by RFC 5763): the hash of the certificate the
 * peer will present in the DTLS handshake, which the DTLS layer compares against.
 *
 * @param hashFunction lower case, e.g. {@code sha-256}
 * @param value        upper-case hex pairs separated by colons
 */
public record SdpFingerprint(String hashFunction, String value) {

    private static final Pattern HEX_PAIRS = Pattern.compile("[0-9A-F]{2}(:[0-9A-F]{2}){15,63}");

    public SdpFingerprint {
        hashFunction = hashFunction.toLowerCase(Locale.ROOT);
        value = value.toUpperCase(Locale.ROOT);
        if (!HEX_PAIRS.matcher(value).matches()) {
            throw new IllegalArgumentException("a fingerprint is 16 to 64 colon-separated hex pairs");
        }
    }

    /** A SHA-256 fingerprint, the one every browser and OBS checks. */
    public static SdpFingerprint sha256(String value) {
        SdpFingerprint fingerprint = new SdpFingerprint("sha-256", value);
        if (fingerprint.value.length() != 32 * 3 - 1) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 32 hex pairs");
        }
        return fingerprint;
    }

    static SdpFingerprint parse(String attributeValue) throws SdpParseException {
        String[] parts = SdpTokens.split(attributeValue, 2, "a=fingerprint");
        if (parts.length != 2 || !HEX_PAIRS.matcher(parts[1].toUpperCase(Locale.ROOT)).matches()) {
            throw new SdpParseException("a=fingerprint is not '<hash> <hex pairs>': '" + SdpTokens.shorten(attributeValue) + "'");
        }
        return new SdpFingerprint(parts[0], parts[1]);
    }

    /** The attribute value, {@code <hash> <hex>}. */
    public String attributeValue() {
        return hashFunction + " " + value;
    }
}
