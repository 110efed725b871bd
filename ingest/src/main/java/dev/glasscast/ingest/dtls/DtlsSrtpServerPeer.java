package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The bctls server side of DTLS-SRTP: presents our certificate, demands the client's and checks
 * it against the offer's {@code a=fingerprint}, and picks the SRTP profile from the client's
 * use_srtp list in our order (RFC 5764 section 4.1.1). Its result is read once the handshake
 * returned; one instance serves one handshake on one thread.
 */
final class DtlsSrtpServerPeer extends DefaultTlsServer {

    private final DtlsCertificate certificate;
    private final SdpFingerprint remoteFingerprint;
    private final List<SrtpProfile> profiles;
    private final int handshakeTimeoutMillis;
    private SrtpProfile chosen;
    private volatile DtlsSrtpKeys keys;

    DtlsSrtpServerPeer(JcaTlsCrypto crypto, DtlsCertificate certificate, SdpFingerprint remoteFingerprint,
                       List<SrtpProfile> profiles, int handshakeTimeoutMillis) {
        super(crypto);
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.profiles = profiles;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return DtlsPeerSupport.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), DtlsPeerSupport.CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return DtlsPeerSupport.signer(context, (JcaTlsCrypto) getCrypto(), certificate);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // Both types: Firefox once used RSA certificates, and only the fingerprint matters.
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        DtlsPeerSupport.verifyFingerprint(clientCertificate, remoteFingerprint);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        chosen = DtlsPeerSupport.choose(TlsSRTPUtils.getUseSRTPExtension(clientExtensions), profiles);
        if (chosen == null) {
            // RFC 5764 4.1.1 lets a server go on without SRTP, but then there are no media keys.
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = DtlsPeerSupport.orEmpty(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, DtlsPeerSupport.offer(List.of(chosen)));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = DtlsPeerSupport.export(context, chosen);
    }

    /** The exported keys, or null before the handshake completed. */
    DtlsSrtpKeys keys() {
        return keys;
    }
}
