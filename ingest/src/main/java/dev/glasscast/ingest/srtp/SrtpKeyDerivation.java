package dev.glasscast.ingest.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 section 4.3.1 and 4.3.3, AES-CM as PRF), which
 * RFC 7714 section 11 keeps for GCM with its 96-bit salt. The key derivation rate is always 0
 * (DTLS-SRTP never signals one, RFC 5764 section 4.1.2), so {@code r} is 0 and each session key
 * is derived once per master key.
 *
 * <p>Stateless; the cipher comes from the JDK ({@code AES/CTR/NoPadding}).
 */
public final class SrtpKeyDerivation {

    /** RFC 3711 4.3.2 labels. */
    public static final int LABEL_RTP_ENCRYPTION = 0;
    public static final int LABEL_RTP_AUTH = 1;
    public static final int LABEL_RTP_SALT = 2;
    public static final int LABEL_RTCP_ENCRYPTION = 3;
    public static final int LABEL_RTCP_AUTH = 4;
    public static final int LABEL_RTCP_SALT = 5;

    private SrtpKeyDerivation() {
    }

    /**
     * {@code length} bytes of session key material for {@code label}.
     *
     * @param masterKey  16 bytes (AES-128)
     * @param masterSalt 14 bytes (AES-CM) or 12 bytes (GCM); placed in the IV's leading bytes,
     *                   which is where RFC 3711's "x * 2^16" puts a 112-bit salt, and the label
     *                   lands in byte 7 (key_id = label || r, right-aligned in 56 bits)
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > 14) {
            throw new IllegalArgumentException("a master salt is at most 112 bits");
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[7] ^= (byte) label;
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/CTR", e);
        }
    }
}
