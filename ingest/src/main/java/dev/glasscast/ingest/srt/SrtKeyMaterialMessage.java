package dev.glasscast.ingest.srt;

import java.util.Arrays;

/**
 * The key material message (draft-sharabayko-srt 3.2.2, libsrt haicrypt "KMmsg"), carried in
 * the KMREQ/KMRSP handshake extensions and in KM refresh control packets:
 * <pre>
 * |S|  V  |   PT  |         Sign (0x2029)          |   Resv1   |KK |
 * |                              KEKI                              |
 * |    Cipher     |      Auth     |       SE      |     Resv2     |
 * |             Resv3              |     SLen/4    |     KLen/4    |
 * |                              Salt                              |
 * |                          Wrapped Key(s)                        |
 * </pre>
 * The wrapped field is RFC 3394 output: 8 bytes of integrity value plus KLen bytes per key
 * (even first when KK = 3).
 *
 * @param keyFlags 1 even key, 2 odd key, 3 both
 * @param raw      the message as received, echoed back as the KMRSP; owned by this record
 */
public record SrtKeyMaterialMessage(int keyFlags, int cipher, int keyLength, byte[] salt, byte[] wrappedKeys, byte[] raw) {

    public static final int SIGN = 0x2029;
    public static final int CIPHER_AES_CTR = 2;
    private static final int HEADER = 16;

    /** Parses a KM message, or returns null when it is not one this listener can use. */
    public static SrtKeyMaterialMessage parse(byte[] data) {
        if (data.length < HEADER) {
            return null;
        }
        int version = (data[0] >> 4) & 0x7;
        int packetType = data[0] & 0x0F;
        int sign = ((data[1] & 0xFF) << 8) | (data[2] & 0xFF);
        int keyFlags = data[3] & 0x03;
        int cipher = data[8] & 0xFF;
        int saltLength = (data[14] & 0xFF) * 4;
        int keyLength = (data[15] & 0xFF) * 4;
        if (version != 1 || packetType != 2 || sign != SIGN || keyFlags == 0
                || (keyLength != 16 && keyLength != 24 && keyLength != 32) || saltLength != 16) {
            return null;
        }
        int keys = keyFlags == 3 ? 2 : 1;
        int wrappedLength = 8 + keys * keyLength;
        if (data.length < HEADER + saltLength + wrappedLength) {
            return null;
        }
        byte[] salt = Arrays.copyOfRange(data, HEADER, HEADER + saltLength);
        byte[] wrapped = Arrays.copyOfRange(data, HEADER + saltLength, HEADER + saltLength + wrappedLength);
        return new SrtKeyMaterialMessage(keyFlags, cipher, keyLength, salt, wrapped,
                Arrays.copyOf(data, HEADER + saltLength + wrappedLength));
    }
}
