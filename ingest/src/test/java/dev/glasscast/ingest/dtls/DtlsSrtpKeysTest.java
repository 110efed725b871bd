package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.ingest.srtp.SrtpProfile;
import dev.glasscast.ingest.srtp.SrtpResult;
import org.junit.jupiter.api.Test;

class DtlsSrtpKeysTest {

    private static byte[] counting(int length) {
        byte[] material = new byte[length];
        for (int i = 0; i < length; i++) {
            material[i] = (byte) i;
        }
        return material;
    }

    @Test
    void splitsClientKeyServerKeyClientSaltServerSalt() {
        DtlsSrtpKeys keys = DtlsSrtpKeys.split(SrtpProfile.AES128_CM_HMAC_SHA1_80, counting(60));
        assertEquals(0, keys.clientKey()[0]);
        assertEquals(16, keys.serverKey()[0]);
        assertEquals(32, keys.clientSalt()[0]);
        assertEquals(14, keys.clientSalt().length);
        assertEquals(46, keys.serverSalt()[0]);
        assertEquals(59, keys.serverSalt()[13]);
    }

    @Test
    void gcmHasTwelveByteSalts() {
        assertEquals(56, DtlsSrtpKeys.materialLength(SrtpProfile.AEAD_AES_128_GCM));
        DtlsSrtpKeys keys = DtlsSrtpKeys.split(SrtpProfile.AEAD_AES_128_GCM, counting(56));
        assertEquals(44, keys.serverSalt()[0]);
        assertEquals(12, keys.serverSalt().length);
        assertThrows(IllegalArgumentException.class, () -> DtlsSrtpKeys.split(SrtpProfile.AEAD_AES_128_GCM, counting(60)));
    }

    @Test
    void eachSideReadsWhatTheOtherWrites() {
        DtlsSrtpKeys keys = DtlsSrtpKeys.split(SrtpProfile.AEAD_AES_128_GCM, counting(56));
        byte[] rtp = {(byte) 0x80, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9};
        byte[] fromServer = assertInstanceOf(SrtpResult.Packet.class,
                keys.sendContext(DtlsRole.SERVER, 4).protectRtp(rtp, 0, rtp.length)).packet();
        assertArrayEquals(rtp, assertInstanceOf(SrtpResult.Packet.class,
                keys.receiveContext(DtlsRole.CLIENT, 4).unprotectRtp(fromServer, 0, fromServer.length)).packet());
        assertInstanceOf(SrtpResult.Refused.class,
                keys.receiveContext(DtlsRole.SERVER, 4).unprotectRtp(fromServer, 0, fromServer.length));
        assertFalse(keys.toString().contains("0, 1"));
    }
}
