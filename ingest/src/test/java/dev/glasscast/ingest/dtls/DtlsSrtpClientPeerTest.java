package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.glasscast.ingest.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

class DtlsSrtpClientPeerTest {

    private final SecureRandom random = new SecureRandom();
    private final DtlsSrtpClientPeer peer = new DtlsSrtpClientPeer(new JcaTlsCryptoProvider().create(random),
            DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY),
            DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY).fingerprint(),
            List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80), 5000);

    @Test
    void speaksDtls12AndOffersItsProfiles() {
        assertArrayEquals(ProtocolVersion.DTLSv12.only(), peer.getSupportedVersions());
        assertArrayEquals(new int[] {0x0001}, DtlsPeerSupport.offer(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80))
                .getProtectionProfiles());
        assertEquals(5000, peer.getHandshakeTimeoutMillis());
        assertNull(peer.keys());
    }
}
