package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SrtpCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    // RFC 7714 section 16: key 00..0f, salt "Quid pro quo", "Gallia est omnis divisa in partes tres".
    private static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SALT = HEX.parseHex("517569642070726f2071756f");
    private static final byte[] RTP = HEX.parseHex("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e697320646976"
            + "69736120696e207061727465732074726573");
    private static final byte[] SRTP = HEX.parseHex("8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd5"
            + "0d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
    // RFC 7714 section 17.1, SSRC "Mars", SRTCP index 0x5d4 (as the subsections encrypt it).
    private static final byte[] RTCP = HEX.parseHex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    private static final byte[] SRTCP = HEX.parseHex("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
            + "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");

    @Test
    void rfc7714Section16GcmSrtpVector() {
        SrtpCipher cipher = SrtpCipher.gcmWithSessionKey(KEY, SALT);
        assertArrayEquals(SRTP, cipher.sealRtp(RTP, 0, RTP.length, 12, 0x5501a0b2, 0xf17b));
        assertArrayEquals(RTP, SrtpCipher.gcmWithSessionKey(KEY, SALT).openRtp(SRTP, 0, SRTP.length, 12, 0x5501a0b2, 0xf17b));
    }

    @Test
    void rfc7714Section17GcmSrtcpVector() {
        SrtpCipher cipher = SrtpCipher.gcmWithSessionKey(KEY, SALT);
        assertArrayEquals(SRTCP, cipher.sealRtcp(RTCP, 0, RTCP.length, 0x4d617273, 0x5d4));
        assertArrayEquals(RTCP, SrtpCipher.gcmWithSessionKey(KEY, SALT).openRtcp(SRTCP, 0, SRTCP.length, 0x4d617273, 0x5d4));
    }

    @Test
    void gcmIvLayoutOfRfc7714() {
        assertArrayEquals(HEX.parseHex("51753c6580c2726f20718414"), SrtpCipher.gcmIv(SALT, 0x5501a0b2, 0xf17b));
        assertArrayEquals(HEX.parseHex("517524055203726f207170bb"), SrtpCipher.gcmIv(SALT, 0x4d617273, 0x5d4));
    }

    @Test
    void ctrIvPutsTheSsrcAndIndexWhereRfc3711SaysSo() {
        assertArrayEquals(HEX.parseHex("00000000010203040000556677880000"),
                SrtpCipher.ctrIv(new byte[14], 0x01020304, 0x556677880000L >>> 16));
    }

    @Test
    void aWrongIndexDoesNotAuthenticate() {
        assertNull(SrtpCipher.gcmWithSessionKey(KEY, SALT).openRtp(SRTP, 0, SRTP.length, 12, 0x5501a0b2, 0x1f17b));
        SrtpCipher cm = new SrtpCipher(SrtpProfile.AES128_CM_HMAC_SHA1_80, KEY, HEX.parseHex("0ec675ad498afeebb6960b3aabe6"));
        byte[] sealed = cm.sealRtp(RTP, 0, RTP.length, 12, 0x5501a0b2, 0x1f17b);
        assertNull(cm.openRtp(sealed, 0, sealed.length, 12, 0x5501a0b2, 0xf17b));
        assertArrayEquals(RTP, cm.openRtp(sealed, 0, sealed.length, 12, 0x5501a0b2, 0x1f17b));
    }

    @Test
    void gcmRefusesToEncryptTheSameIndexTwiceInARow() {
        SrtpCipher cipher = SrtpCipher.gcmWithSessionKey(KEY, SALT);
        cipher.sealRtp(RTP, 0, RTP.length, 12, 0x5501a0b2, 0xf17b);
        assertNull(cipher.sealRtp(RTP, 0, RTP.length, 12, 0x5501a0b2, 0xf17b));
    }

    @Test
    void masterKeyLengthsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new SrtpCipher(SrtpProfile.AEAD_AES_128_GCM, KEY, new byte[14]));
    }
}
