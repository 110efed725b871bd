package dev.glasscast.ingest.srt;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decryption of one connection's data packets (libsrt haicrypt, AES-CTR), with JDK crypto only:
 * <ol>
 *   <li>KEK = PBKDF2-HMAC-SHA1(passphrase, salt = last 8 bytes of the KM salt, 2048 iterations,
 *       KLen bytes);</li>
 *   <li>SEK(s) = AES key unwrap (RFC 3394, {@code AES/KW/NoPadding}) of the KM's wrapped field
 *       with the KEK; a wrong passphrase fails the unwrap's integrity check;</li>
 *   <li>each payload is AES-CTR with IV = salt[0..13] XOR (packet sequence number at bytes
 *       10..13), bytes 14..15 the block counter from 0 (hcrypt_SetCtrIV).</li>
 * </ol>
 * Not thread-safe: used on the connection's event loop.
 */
public final class SrtCrypto {

    /** Thrown when the key material does not unwrap with our passphrase. */
    public static final class BadSecretException extends Exception {
        BadSecretException(String message) {
            super(message);
        }
    }

    private static final int PBKDF2_ITERATIONS = 2048;
    private static final int KEK_SALT_LENGTH = 8;

    private final char[] passphrase;
    private final Cipher ctr;
    private final SecretKeySpec[] keys = new SecretKeySpec[3]; // indexed by KK: 1 even, 2 odd
    private final byte[][] salts = new byte[3][];
    private long refreshes;

    public SrtCrypto(String passphrase) {
        this.passphrase = passphrase.toCharArray();
        try {
            this.ctr = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/CTR", e);
        }
    }

    /** Takes the keys of {@code km}, replacing those it carries (a KM refresh brings one new key). */
    public void apply(SrtKeyMaterialMessage km) throws BadSecretException {
        if (km.cipher() != SrtKeyMaterialMessage.CIPHER_AES_CTR) {
            throw new BadSecretException("unsupported cipher " + km.cipher());
        }
        byte[] unwrapped;
        try {
            byte[] kekSalt = Arrays.copyOfRange(km.salt(), km.salt().length - KEK_SALT_LENGTH, km.salt().length);
            PBEKeySpec spec = new PBEKeySpec(passphrase, kekSalt, PBKDF2_ITERATIONS, km.keyLength() * 8);
            byte[] kek = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
            spec.clearPassword();
            Cipher unwrap = Cipher.getInstance("AES/KW/NoPadding");
            unwrap.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"));
            unwrapped = unwrap.doFinal(km.wrappedKeys());
        } catch (GeneralSecurityException e) {
            throw new BadSecretException("key material does not unwrap: wrong passphrase");
        }
        int length = km.keyLength();
        if (keys[1] != null || keys[2] != null) {
            refreshes++;
        }
        if (km.keyFlags() == 3) {
            keys[1] = new SecretKeySpec(unwrapped, 0, length, "AES");
            keys[2] = new SecretKeySpec(unwrapped, length, length, "AES");
            salts[1] = km.salt().clone();
            salts[2] = km.salt().clone();
        } else {
            keys[km.keyFlags()] = new SecretKeySpec(unwrapped, 0, length, "AES");
            salts[km.keyFlags()] = km.salt().clone();
        }
        Arrays.fill(unwrapped, (byte) 0);
    }

    /**
     * Decrypts {@code payload} of packet {@code sequence} in place with the key {@code keyFlags}
     * names. Returns false when that key is unknown (the packet is then useless).
     */
    public boolean decrypt(int sequence, int keyFlags, byte[] payload) {
        return crypt(sequence, keyFlags, payload);
    }

    /**
     * Encrypts {@code payload} of packet {@code sequence} in place with the caller's key (the
     * even one if it sent both): when we send to a caller, HSv5 has us use the key material it
     * sent. Returns the KK flags to mark the packet with, or 0 when there is no key (the
     * payload is then unchanged).
     */
    public int encrypt(int sequence, byte[] payload) {
        int keyFlags = keys[1] != null ? 1 : keys[2] != null ? 2 : 0;
        return keyFlags != 0 && crypt(sequence, keyFlags, payload) ? keyFlags : 0;
    }

    /** AES-CTR is its own inverse: the counter block is the salt XOR the packet index (draft-sharabayko-srt, "Encryption"). */
    private boolean crypt(int sequence, int keyFlags, byte[] payload) {
        SecretKeySpec key = keyFlags == 1 || keyFlags == 2 ? keys[keyFlags] : null;
        if (key == null) {
            return false;
        }
        byte[] salt = salts[keyFlags];
        byte[] iv = new byte[16];
        iv[10] = (byte) (sequence >>> 24);
        iv[11] = (byte) (sequence >>> 16);
        iv[12] = (byte) (sequence >>> 8);
        iv[13] = (byte) sequence;
        for (int i = 0; i < 14; i++) {
            iv[i] ^= salt[i];
        }
        try {
            ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            ctr.doFinal(payload, 0, payload.length, payload, 0);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** KM refreshes applied after the handshake. */
    public long refreshes() {
        return refreshes;
    }
}
