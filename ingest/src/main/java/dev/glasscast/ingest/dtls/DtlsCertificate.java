package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed ECDSA P-256 certificate our DTLS endpoint presents, and its SHA-256
 * fingerprint for {@code a=fingerprint} in the SDP answer (RFC 8122 section 5, RFC 8827 section
 * 6.5). WebRTC authenticates the certificate only by that fingerprint, carried over the
 * signalling channel (HTTPS for WHEP/WHIP), so no CA and no name matter; browsers generate
 * theirs the same way. P-256 because every browser and libdatachannel accept it and ECDSA
 * signs the handshake faster than RSA.
 *
 * <p>Immutable. One is made at server start and shared by every session, as browsers do per
 * peer connection; a restart makes a new one, which is fine as answers are per session.
 */
public final class DtlsCertificate {

    /** Default validity: long enough for any server uptime, and checked by no WebRTC peer. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private final KeyPair keyPair;
    private final byte[] der;
    private final SdpFingerprint fingerprint;

    private DtlsCertificate(KeyPair keyPair, byte[] der) {
        this.keyPair = keyPair;
        this.der = der;
        this.fingerprint = fingerprintOf(der);
    }

    /**
     * A new key pair and certificate.
     *
     * @param random   the key and serial source
     * @param validity how long from now the certificate claims validity (default
     *                 {@link #DEFAULT_VALIDITY}); it starts a day back so a peer's skewed clock
     *                 does not see it as not yet valid
     */
    public static DtlsCertificate generate(SecureRandom random, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=GlassCast");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, random).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), name, pair.getPublic());
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            return new DtlsCertificate(pair, der);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make an ECDSA P-256 certificate", e);
        }
    }

    /** The SHA-256 fingerprint of a DER certificate, as {@code a=fingerprint} writes it. */
    public static SdpFingerprint fingerprintOf(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return SdpFingerprint.sha256(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Whether {@code der} is the certificate {@code expected} names. Only SHA-256 is computed:
     * RFC 8122 allows others, but every WebRTC stack sends sha-256, and an unknown hash must fail
     * closed rather than pass.
     */
    public static boolean matches(SdpFingerprint expected, byte[] der) {
        if (!expected.hashFunction().toLowerCase(Locale.ROOT).equals("sha-256")) {
            return false;
        }
        return MessageDigest.isEqual(fingerprintOf(der).value().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                expected.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The fingerprint for our SDP answer ({@code SdpLocalParameters}). */
    public SdpFingerprint fingerprint() {
        return fingerprint;
    }

    /** A copy of the DER encoding. */
    public byte[] der() {
        return der.clone();
    }

    PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + fingerprint.attributeValue() + "]";
    }
}
