package dev.glasscast.ingest.srtp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-packet transforms of one direction's session keys: AES-CM with HMAC-SHA1-80 (RFC 3711
 * sections 4.1.1 and 4.2, with SRTCP per section 3.4) or AES-128-GCM (RFC 7714 sections 8 and 9).
 * It knows indices only as numbers the caller passes; {@link SrtpContext} tracks them.
 *
 * <p>Not thread-safe: the JDK {@link Cipher} and {@link Mac} objects are reused between packets.
 * Buffer ownership: input arrays are only read; every result is a new array.
 */
public final class SrtpCipher {

    /** The E flag of the SRTCP index word (RFC 3711 3.4). */
    static final int SRTCP_E_FLAG = 0x8000_0000;

    private final SrtpProfile profile;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Cipher cipher;
    private final Mac rtpMac;
    private final Mac rtcpMac;

    /** Derives the six (GCM: four) session keys from a master key and salt (RFC 3711 4.3). */
    public SrtpCipher(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, checked(profile, masterKey, masterSalt), masterSalt, true);
    }

    private SrtpCipher(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean derive) {
        this(profile,
                derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, profile.keyLength()),
                derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, profile.saltLength()),
                derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, profile.keyLength()),
                derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, profile.saltLength()),
                // 160-bit auth keys: RFC 3711 section 8.2's n_a for HMAC-SHA1.
                profile.aead() ? null : derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTH, 20),
                profile.aead() ? null : derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_AUTH, 20));
    }

    private SrtpCipher(SrtpProfile profile, byte[] rtpKey, byte[] rtpSalt, byte[] rtcpKey, byte[] rtcpSalt,
                       byte[] rtpAuthKey, byte[] rtcpAuthKey) {
        this.profile = profile;
        this.rtpKey = new SecretKeySpec(rtpKey, "AES");
        this.rtpSalt = rtpSalt;
        this.rtcpKey = new SecretKeySpec(rtcpKey, "AES");
        this.rtcpSalt = rtcpSalt;
        try {
            if (profile.aead()) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                rtpMac = null;
                rtcpMac = null;
            } else {
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                rtpMac = Mac.getInstance("HmacSHA1");
                rtpMac.init(new SecretKeySpec(rtpAuthKey, "HmacSHA1"));
                rtcpMac = Mac.getInstance("HmacSHA1");
                rtcpMac.init(new SecretKeySpec(rtcpAuthKey, "HmacSHA1"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks a cipher SRTP needs", e);
        }
    }

    /**
     * A GCM cipher from session keys given directly, the same for RTP and RTCP: how RFC 7714's
     * section 16 and 17 vectors are stated, below the key derivation.
     */
    static SrtpCipher gcmWithSessionKey(byte[] sessionKey, byte[] sessionSalt) {
        return new SrtpCipher(SrtpProfile.AEAD_AES_128_GCM, sessionKey, sessionSalt, sessionKey, sessionSalt, null, null);
    }

    private static byte[] checked(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt");
        }
        return masterKey;
    }

    private static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        return SrtpKeyDerivation.derive(masterKey, masterSalt, label, length);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * The SRTP packet for the RTP packet {@code in[off, off+len)} whose header is {@code headerLength}
     * long, or null when GCM would reuse the previous packet's IV (the same index twice in a row).
     */
    public byte[] sealRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index) {
        byte[] out = new byte[len + profile.tagLength()];
        System.arraycopy(in, off, out, 0, headerLength);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(128, gcmIv(rtpSalt, ssrc, index)));
                cipher.updateAAD(in, off, headerLength);
                cipher.doFinal(in, off + headerLength, len - headerLength, out, headerLength);
            } else {
                cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new IvParameterSpec(ctrIv(rtpSalt, ssrc, index)));
                cipher.doFinal(in, off + headerLength, len - headerLength, out, headerLength);
                rtpMac.update(out, 0, len);
                rtpMac.update(intBytes((int) (index >>> 16)));
                System.arraycopy(rtpMac.doFinal(), 0, out, len, profile.tagLength());
            }
        } catch (InvalidAlgorithmParameterException e) {
            // The JDK refuses a GCM IV used for the previous packet: the same index sent twice.
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP encryption failed", e);
        }
        return out;
    }

    /** The RTP packet inside the SRTP packet {@code in[off, off+len)}, or null when it does not authenticate. */
    public byte[] openRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index) {
        int tag = profile.tagLength();
        byte[] out = new byte[len - tag];
        System.arraycopy(in, off, out, 0, headerLength);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, gcmIv(rtpSalt, ssrc, index)));
                cipher.updateAAD(in, off, headerLength);
                cipher.doFinal(in, off + headerLength, len - headerLength, out, headerLength);
            } else {
                rtpMac.update(in, off, len - tag);
                rtpMac.update(intBytes((int) (index >>> 16)));
                if (!tagMatches(rtpMac.doFinal(), in, off + len - tag)) {
                    return null;
                }
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new IvParameterSpec(ctrIv(rtpSalt, ssrc, index)));
                cipher.doFinal(in, off + headerLength, len - tag - headerLength, out, headerLength);
            }
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP decryption failed", e);
        }
        return out;
    }

    /**
     * The SRTCP packet for the RTCP packet {@code in[off, off+len)}: the first 8 bytes stay
     * clear, the rest is encrypted, then the E flag and 31-bit {@code index} and the tag (for GCM
     * the tag comes before the index word, RFC 7714 section 9.1). Null on a repeated GCM IV.
     */
    public byte[] sealRtcp(byte[] in, int off, int len, int ssrc, int index) {
        byte[] out = new byte[len + 4 + profile.tagLength()];
        System.arraycopy(in, off, out, 0, 8);
        byte[] word = intBytes(SRTCP_E_FLAG | index);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(128, gcmIv(rtcpSalt, ssrc, index)));
                cipher.updateAAD(in, off, 8);
                cipher.updateAAD(word);
                cipher.doFinal(in, off + 8, len - 8, out, 8);
                System.arraycopy(word, 0, out, len + profile.tagLength(), 4);
            } else {
                cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new IvParameterSpec(ctrIv(rtcpSalt, ssrc, index)));
                cipher.doFinal(in, off + 8, len - 8, out, 8);
                System.arraycopy(word, 0, out, len, 4);
                rtcpMac.update(out, 0, len + 4);
                System.arraycopy(rtcpMac.doFinal(), 0, out, len + 4, profile.tagLength());
            }
        } catch (InvalidAlgorithmParameterException e) {
            // The JDK refuses a GCM IV used for the previous packet: the same index sent twice.
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP encryption failed", e);
        }
        return out;
    }

    /** Where the E flag and index word sits in an SRTCP packet of {@code len} bytes. */
    int rtcpIndexOffset(int len) {
        return profile.aead() ? len - 4 : len - 4 - profile.tagLength();
    }

    /** The RTCP packet inside an SRTCP packet whose index word the caller read, or null when it does not authenticate. */
    public byte[] openRtcp(byte[] in, int off, int len, int ssrc, int index) {
        int tag = profile.tagLength();
        byte[] out = new byte[len - 4 - tag];
        System.arraycopy(in, off, out, 0, 8);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, gcmIv(rtcpSalt, ssrc, index)));
                cipher.updateAAD(in, off, 8);
                cipher.updateAAD(in, off + len - 4, 4);
                cipher.doFinal(in, off + 8, len - 4 - 8, out, 8);
            } else {
                rtcpMac.update(in, off, len - tag);
                if (!tagMatches(rtcpMac.doFinal(), in, off + len - tag)) {
                    return null;
                }
                cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new IvParameterSpec(ctrIv(rtcpSalt, ssrc, index)));
                cipher.doFinal(in, off + 8, out.length - 8, out, 8);
            }
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP decryption failed", e);
        }
        return out;
    }

    private boolean tagMatches(byte[] mac, byte[] in, int at) {
        byte[] expected = new byte[profile.tagLength()];
        System.arraycopy(mac, 0, expected, 0, expected.length);
        byte[] actual = new byte[expected.length];
        System.arraycopy(in, at, actual, 0, actual.length);
        // Constant time, so the tag cannot be guessed byte by byte from response timing.
        return MessageDigest.isEqual(expected, actual);
    }

    /** RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
    static byte[] ctrIv(byte[] salt, int ssrc, long index) {
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, 14);
        ByteBuffer b = ByteBuffer.wrap(iv);
        b.putInt(4, b.getInt(4) ^ ssrc);
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        return iv;
    }

    /**
     * RFC 7714 8.1 and 9.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt, where ROC || SEQ is the
     * 48-bit SRTP index; for SRTCP (00 00 || SSRC || 00 00 || 0 || index), the same layout.
     */
    static byte[] gcmIv(byte[] salt, int ssrc, long index) {
        byte[] iv = new byte[12];
        ByteBuffer b = ByteBuffer.wrap(iv);
        b.putInt(2, ssrc);
        b.putShort(6, (short) (index >>> 32));
        b.putInt(8, (int) index);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
        return iv;
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
