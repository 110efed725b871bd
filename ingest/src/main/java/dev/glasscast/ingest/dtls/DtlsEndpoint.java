package dev.glasscast.ingest.dtls;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.srtp.SrtpProfile;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * One DTLS-SRTP association (RFC 5763, RFC 5764) over one ICE-selected UDP path: runs the bctls
 * handshake on its own virtual thread, so the Netty event loop that feeds it only ever
 * {@link #offer}s datagrams and never waits, and completes {@link #keys()} with the SRTP master
 * keys once the peer proved it holds the certificate its SDP fingerprinted.
 *
 * <p>After the handshake the thread stays on to read the DTLS records that still come: a
 * retransmitted Finished when our last flight was lost (bctls answers it), and close_notify.
 * Application data (WebRTC data channels) is not supported and is discarded.
 *
 * <p>Thread-safe: {@link #offer}, {@link #state} and {@link #close} may be called from any
 * thread. Buffer ownership: {@link #offer} copies and never releases; the {@code sender}
 * callback gets a new array per datagram, on the handshake thread.
 */
public final class DtlsEndpoint implements AutoCloseable {

    /** Default handshake timeout: browsers give up on ICE+DTLS after about 30 s; a healthy one takes < 1 s. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Our SRTP preference: GCM first (RFC 7714), then what every stack has (RFC 5764). */
    public static final List<SrtpProfile> DEFAULT_PROFILES =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);

    private final DtlsRole role;
    private final DtlsCertificate certificate;
    private final SdpFingerprint remoteFingerprint;
    private final List<SrtpProfile> profiles;
    private final Duration handshakeTimeout;
    private final DtlsDatagramTransport transport;
    private final SecureRandom random;
    private final CompletableFuture<DtlsSrtpKeys> keys = new CompletableFuture<>();
    private final AtomicReference<DtlsEndpointState> state = new AtomicReference<>(DtlsEndpointState.HANDSHAKING);
    private volatile Thread thread;
    private volatile DTLSTransport dtls;

    /**
     * @param role              {@link DtlsRole#SERVER} for every WHEP and WHIP session
     * @param certificate       ours, whose fingerprint our SDP carried
     * @param remoteFingerprint the peer's {@code a=fingerprint}
     * @param profiles          SRTP profiles in our preference ({@link #DEFAULT_PROFILES})
     * @param handshakeTimeout  how long the handshake may take from {@link #start()}
     *                          ({@link #DEFAULT_HANDSHAKE_TIMEOUT})
     * @param transport         the datagram bridge the UDP channel feeds
     * @param random            key material for the handshake
     */
    public DtlsEndpoint(DtlsRole role, DtlsCertificate certificate, SdpFingerprint remoteFingerprint,
                        List<SrtpProfile> profiles, Duration handshakeTimeout, DtlsDatagramTransport transport,
                        SecureRandom random) {
        if (profiles.isEmpty() || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("need an SRTP profile and a positive handshake timeout");
        }
        this.role = Objects.requireNonNull(role);
        this.certificate = Objects.requireNonNull(certificate);
        this.remoteFingerprint = Objects.requireNonNull(remoteFingerprint);
        this.profiles = List.copyOf(profiles);
        this.handshakeTimeout = handshakeTimeout;
        this.transport = Objects.requireNonNull(transport);
        this.random = Objects.requireNonNull(random);
    }

    /** A server endpoint with the defaults, sending through {@code sender}. */
    public static DtlsEndpoint server(DtlsCertificate certificate, SdpFingerprint remoteFingerprint, Consumer<byte[]> sender) {
        return new DtlsEndpoint(DtlsRole.SERVER, certificate, remoteFingerprint, DEFAULT_PROFILES, DEFAULT_HANDSHAKE_TIMEOUT,
                new DtlsDatagramTransport(DtlsDatagramTransport.DEFAULT_QUEUE_CAPACITY, DtlsDatagramTransport.DEFAULT_MTU, sender),
                new SecureRandom());
    }

    /** Starts the handshake thread; call once. */
    public void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        transport.deadline(System.nanoTime() + handshakeTimeout.toNanos());
        thread = Thread.ofVirtual().name("dtls-" + role.name().toLowerCase(java.util.Locale.ROOT)).start(this::run);
    }

    /** Hands one received DTLS datagram (first byte 20..63, RFC 7983) to the handshake. False when dropped. */
    public boolean offer(ByteBuf datagram) {
        return transport.offer(datagram);
    }

    /** Completes with the SRTP keys, or exceptionally with why the handshake failed or was closed. */
    public CompletableFuture<DtlsSrtpKeys> keys() {
        return keys;
    }

    public DtlsEndpointState state() {
        return state.get();
    }

    public DtlsRole role() {
        return role;
    }

    private void run() {
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis());
        DtlsSrtpKeys exported;
        try {
            if (role == DtlsRole.SERVER) {
                var peer = new DtlsSrtpServerPeer(crypto, certificate, remoteFingerprint, profiles, timeoutMillis);
                dtls = new DTLSServerProtocol().accept(peer, transport);
                exported = peer.keys();
            } else {
                var peer = new DtlsSrtpClientPeer(crypto, certificate, remoteFingerprint, profiles, timeoutMillis);
                dtls = new DTLSClientProtocol().connect(peer, transport);
                exported = peer.keys();
            }
        } catch (IOException | RuntimeException e) {
            // bctls reports alerts, timeouts and a closed transport all as IOException.
            fail(e);
            return;
        }
        transport.deadline(Long.MAX_VALUE);
        if (!state.compareAndSet(DtlsEndpointState.HANDSHAKING, DtlsEndpointState.CONNECTED)) {
            closeQuietly();
            keys.completeExceptionally(new IOException("closed during the handshake"));
            return;
        }
        keys.complete(exported);
        drain();
    }

    /** Reads records until close: bctls resends its last flight when the peer retransmits. */
    private void drain() {
        byte[] buffer = new byte[transport.getReceiveLimit()];
        try {
            while (state.get() == DtlsEndpointState.CONNECTED) {
                // -1 is a timeout; what arrives is data-channel data we do not carry.
                dtls.receive(buffer, 0, buffer.length, 1000);
            }
        } catch (IOException | RuntimeException e) {
            // close_notify from the peer, or our own close: either way the association is over.
        }
        state.set(DtlsEndpointState.CLOSED);
        transport.close();
    }

    private void fail(Exception cause) {
        transport.close();
        if (!state.compareAndSet(DtlsEndpointState.HANDSHAKING, DtlsEndpointState.FAILED)) {
            keys.completeExceptionally(new IOException("closed during the handshake", cause));
            return;
        }
        keys.completeExceptionally(cause);
    }

    /** Sends close_notify when connected, and stops the thread. Idempotent. */
    @Override
    public void close() {
        DtlsEndpointState previous = state.getAndSet(DtlsEndpointState.CLOSED);
        if (previous == DtlsEndpointState.CLOSED) {
            return;
        }
        if (previous == DtlsEndpointState.CONNECTED) {
            closeQuietly();
        }
        transport.close();
        keys.completeExceptionally(new IOException("DTLS endpoint closed"));
    }

    private void closeQuietly() {
        DTLSTransport current = dtls;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // The peer is gone or the transport closed first; nothing is left to tell it.
            }
        }
    }

    /** Waits for the handshake thread to end, for tests and orderly shutdown. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Thread current = thread;
        return current == null || current.join(timeout);
    }

    @Override
    public String toString() {
        return "DtlsEndpoint[" + role + ", " + state.get() + "]";
    }
}
