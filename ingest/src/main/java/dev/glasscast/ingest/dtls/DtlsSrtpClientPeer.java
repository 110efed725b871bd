package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The bctls client side of DTLS-SRTP: offers our SRTP profiles in use_srtp, checks the server's
 * certificate against the answer's {@code a=fingerprint}, and presents our certificate when
 * asked (WebRTC always asks). One instance serves one handshake on one thread.
 */
final class DtlsSrtpClientPeer extends DefaultTlsClient {

    private final DtlsCertificate certificate;
    private final SdpFingerprint remoteFingerprint;
    private final List<SrtpProfile> profiles;
    private final int handshakeTimeoutMillis;
    private SrtpProfile chosen;
    private volatile DtlsSrtpKeys keys;

    DtlsSrtpClientPeer(JcaTlsCrypto crypto, DtlsCertificate certificate, SdpFingerprint remoteFingerprint,
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
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = DtlsPeerSupport.orEmpty(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, DtlsPeerSupport.offer(profiles));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        var selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        // RFC 5764 4.1.1: the server answers with exactly one of the profiles we offered.
        if (selected == null || selected.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server selected no single SRTP profile");
        }
        chosen = DtlsPeerSupport.choose(selected, profiles);
        if (chosen == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server selected an SRTP profile we did not offer");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsPeerSupport.verifyFingerprint(serverCertificate.getCertificate(), remoteFingerprint);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return DtlsPeerSupport.signer(context, (JcaTlsCrypto) getCrypto(), certificate);
            }
        };
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
