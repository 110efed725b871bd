package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.dtls.DtlsCertificate;
import dev.glasscast.ingest.dtls.DtlsEndpoint;
import dev.glasscast.ingest.dtls.DtlsSrtpKeys;
import dev.glasscast.ingest.sdp.SdpFingerprint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The DTLS side of one WebRTC session, as the passive (server) side every GlassCast answer
 * announces: it starts at the peer's first flight, sends its own flights to where the session's
 * ICE pair points now, and completes {@link #keys()} once the peer proved it holds the
 * certificate its SDP fingerprinted. What WHEP viewers' and WHIP publishers' transports share.
 *
 * <p>Thread-safe. Buffer ownership: {@link #offer} only reads the datagram (the endpoint copies it).
 */
final class WebRtcDtlsHandshake implements AutoCloseable {

    private final DtlsCertificate certificate;
    private final SdpFingerprint remoteFingerprint;
    private final WebRtcDatagramSender out;
    private final Supplier<InetSocketAddress> remote;
    private final CompletableFuture<DtlsSrtpKeys> keys = new CompletableFuture<>();
    private DtlsEndpoint endpoint;
    private boolean closed;

    /**
     * @param remoteFingerprint the peer's {@code a=fingerprint}
     * @param remote            where the session's ICE pair points now
     */
    WebRtcDtlsHandshake(DtlsCertificate certificate, SdpFingerprint remoteFingerprint, WebRtcDatagramSender out,
                        Supplier<InetSocketAddress> remote) {
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.out = out;
        this.remote = remote;
    }

    /** Completes with the SRTP keys, or exceptionally with why the handshake failed or was closed. */
    CompletableFuture<DtlsSrtpKeys> keys() {
        return keys;
    }

    /** Hands one DTLS datagram to the handshake, starting it at the first. */
    void offer(ByteBuf datagram) {
        DtlsEndpoint current;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (endpoint == null) {
                endpoint = DtlsEndpoint.server(certificate, remoteFingerprint, this::send);
                endpoint.keys().whenComplete((agreed, failure) -> {
                    if (failure != null) {
                        keys.completeExceptionally(failure);
                    } else {
                        keys.complete(agreed);
                    }
                });
                endpoint.start();
            }
            current = endpoint;
        }
        current.offer(datagram);
    }

    private void send(byte[] record) {
        InetSocketAddress to = remote.get();
        if (to != null) {
            out.send(Unpooled.wrappedBuffer(record), to);
        }
    }

    /** Sends close_notify if connected and stops the handshake's thread. Idempotent. */
    @Override
    public void close() {
        DtlsEndpoint current;
        synchronized (this) {
            closed = true;
            current = endpoint;
        }
        if (current != null) {
            current.close();
        }
        keys.completeExceptionally(new IOException("the session ended"));
    }
}
