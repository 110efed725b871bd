package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.srtp.SrtpProfile;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/** What the DTLS server and client peers share: versions, suites, our credentials, the checks of theirs. */
final class DtlsPeerSupport {

    /**
     * ECDHE with ECDSA only, as our certificate is ECDSA: the suites RFC 8827 section 6.5 asks
     * for (AES-128-GCM) first, then what older stacks offer.
     */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    private DtlsPeerSupport() {
    }

    /** DTLS 1.2 only: browsers' DTLS 1.3 is not yet what every WHIP client speaks. */
    static ProtocolVersion[] versions() {
        return ProtocolVersion.DTLSv12.only();
    }

    static TlsCertificate[] chain(JcaTlsCrypto crypto, DtlsCertificate certificate) throws IOException {
        return new TlsCertificate[] {crypto.createCertificate(certificate.der())};
    }

    static TlsCredentialedSigner signer(TlsContext context, JcaTlsCrypto crypto, DtlsCertificate certificate)
            throws IOException {
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                new Certificate(chain(crypto, certificate)), SignatureAndHashAlgorithm.getInstance(org.bouncycastle.tls.HashAlgorithm.sha256, org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    /**
     * Refuses the handshake unless the peer's end-entity certificate is the one its SDP named
     * (RFC 8122 section 5, RFC 5763 section 5): this check is the whole of WebRTC's
     * authentication, so an absent certificate fails too.
     */
    static void verifyFingerprint(Certificate peer, SdpFingerprint expected) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required, "the peer sent no certificate");
        }
        byte[] der = peer.getCertificateAt(0).getEncoded();
        if (!DtlsCertificate.matches(expected, der)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "certificate fingerprint " + DtlsCertificate.fingerprintOf(der).value()
                            + " is not the SDP's " + expected.value());
        }
    }

    /** The first of {@code preference} that {@code offered} lists, or null. */
    static SrtpProfile choose(UseSRTPData offered, List<SrtpProfile> preference) {
        if (offered == null) {
            return null;
        }
        for (SrtpProfile profile : preference) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == profile.id()) {
                    return profile;
                }
            }
        }
        return null;
    }

    static UseSRTPData offer(List<SrtpProfile> profiles) {
        return new UseSRTPData(profiles.stream().mapToInt(SrtpProfile::id).toArray(), TlsUtils.EMPTY_BYTES);
    }

    /** bctls returns null for an extension table it adds nothing to. */
    @SuppressWarnings("rawtypes")
    static java.util.Hashtable orEmpty(java.util.Hashtable table) {
        return table != null ? table : new java.util.Hashtable();
    }

    static DtlsSrtpKeys export(TlsContext context, SrtpProfile profile) {
        byte[] material = context.exportKeyingMaterial(DtlsSrtpKeys.EXPORTER_LABEL, null,
                DtlsSrtpKeys.materialLength(profile));
        return DtlsSrtpKeys.split(profile, material);
    }
}
