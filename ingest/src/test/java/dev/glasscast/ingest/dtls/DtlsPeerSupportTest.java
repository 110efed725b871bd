package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.ingest.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

class DtlsPeerSupportTest {

    @Test
    void choosesByOurPreferenceNotTheOfferOrder() {
        UseSRTPData offered = new UseSRTPData(new int[] {0x0001, 0x0002, 0x0007}, new byte[0]);
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, DtlsPeerSupport.choose(offered, DtlsEndpoint.DEFAULT_PROFILES));
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80,
                DtlsPeerSupport.choose(offered, List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80)));
        assertNull(DtlsPeerSupport.choose(new UseSRTPData(new int[] {0x0002}, new byte[0]), DtlsEndpoint.DEFAULT_PROFILES));
        assertNull(DtlsPeerSupport.choose(null, DtlsEndpoint.DEFAULT_PROFILES));
    }

    @Test
    void fingerprintCheckFailsClosed() throws Exception {
        SecureRandom random = new SecureRandom();
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
        DtlsCertificate ours = DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY);
        DtlsCertificate other = DtlsCertificate.generate(random, DtlsCertificate.DEFAULT_VALIDITY);
        Certificate chain = new Certificate(DtlsPeerSupport.chain(crypto, ours));
        DtlsPeerSupport.verifyFingerprint(chain, ours.fingerprint());
        assertThrows(TlsFatalAlert.class, () -> DtlsPeerSupport.verifyFingerprint(chain, other.fingerprint()));
        assertThrows(TlsFatalAlert.class, () -> DtlsPeerSupport.verifyFingerprint(Certificate.EMPTY_CHAIN, ours.fingerprint()));
    }
}
