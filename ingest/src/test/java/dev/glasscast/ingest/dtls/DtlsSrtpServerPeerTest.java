package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

class DtlsSrtpServerPeerTest {

    private final SecureRandom random = new SecureRandom();
    private final DtlsSrtpServerPeer peer = new DtlsSrtpServerPeer(new JcaTlsCryptoProvider().create(random),
            DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY),
            DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY).fingerprint(),
            DtlsEndpoint.DEFAULT_PROFILES, 7000);

    @Test
    void speaksDtls12WithEcdsaSuitesOnly() {
        assertArrayEquals(ProtocolVersion.DTLSv12.only(), peer.getSupportedVersions());
        int[] suites = peer.getSupportedCipherSuites();
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, suites[0]);
        assertTrue(Arrays.stream(suites).allMatch(s -> Arrays.stream(DtlsPeerSupport.CIPHER_SUITES).anyMatch(c -> c == s)));
    }

    @Test
    void usesTheConfiguredTimeoutAndHasNoKeysBeforeTheHandshake() {
        assertEquals(7000, peer.getHandshakeTimeoutMillis());
        assertNull(peer.keys());
    }
}
