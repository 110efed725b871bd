package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    private final DtlsCertificate certificate = DtlsCertificate.generate(new SecureRandom(), DtlsCertificate.DEFAULT_VALIDITY);

    @Test
    void isASelfSignedP256CertificateTheJdkAccepts() throws Exception {
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.der()));
        x509.verify(x509.getPublicKey());
        x509.checkValidity();
        assertEquals("SHA256withECDSA", x509.getSigAlgName());
        assertEquals(256, ((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void fingerprintIsTheSdpSha256Form() {
        SdpFingerprint fingerprint = certificate.fingerprint();
        assertEquals("sha-256", fingerprint.hashFunction());
        assertTrue(fingerprint.attributeValue().matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"));
        assertEquals(fingerprint, DtlsCertificate.fingerprintOf(certificate.der()));
    }

    @Test
    void matchesOnlyItsOwnCertificateAndOnlySha256() {
        DtlsCertificate other = DtlsCertificate.generate(new SecureRandom(), DtlsCertificate.DEFAULT_VALIDITY);
        assertNotEquals(certificate.fingerprint(), other.fingerprint());
        assertTrue(DtlsCertificate.matches(certificate.fingerprint(), certificate.der()));
        assertTrue(DtlsCertificate.matches(SdpFingerprint.sha256(certificate.fingerprint().value().toLowerCase()),
                certificate.der()));
        assertFalse(DtlsCertificate.matches(other.fingerprint(), certificate.der()));
        assertFalse(DtlsCertificate.matches(new SdpFingerprint("sha-1", certificate.fingerprint().value()), certificate.der()));
    }
}
