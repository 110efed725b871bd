package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SrtpProfileTest {

    @Test
    void wireIdsAreThoseOfTheIanaRegistry() {
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.byId(0x0001));
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.byId(0x0007));
        assertNull(SrtpProfile.byId(0x0002));
    }

    @Test
    void keyingMaterialLengthsMatchRfc5764AndRfc7714() {
        assertEquals(30, SrtpProfile.AES128_CM_HMAC_SHA1_80.keyLength() + SrtpProfile.AES128_CM_HMAC_SHA1_80.saltLength());
        assertEquals(28, SrtpProfile.AEAD_AES_128_GCM.keyLength() + SrtpProfile.AEAD_AES_128_GCM.saltLength());
        assertTrue(SrtpProfile.AEAD_AES_128_GCM.aead());
    }
}
