package dev.glasscast.ingest.srt;

import dev.glasscast.ingest.auth.PublishAdmission;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener side of the HSv5 caller-listener handshake (draft-sharabayko-srt 4.3.1):
 * <ol>
 *   <li>INDUCTION: answer version 5, the SRT magic and a SYN cookie; keep nothing.</li>
 *   <li>CONCLUSION: check the cookie, the HSREQ (live mode with TSBPD); a caller that asks to
 *       read ({@code m=request}) is checked by the {@link SrtPlayback} and answered at once.
 *       For a publisher, check the stream id against
 *       the {@link PublishAuthorizer}, the key material against our passphrase, then wait for
 *       the on_publish verdict (answering none of the caller's repeated conclusions until it is
 *       in, see {@link SrtPendingAdmissions}), and claim the stream in the hub; answer with HSRSP (and KMRSP), or with a rejection whose handshake
 *       type is 1000 + the reason code.</li>
 * </ol>
 * Not thread-safe: used on the listener's event loop.
 */
final class SrtHandshakeResponder {

    private static final Logger log = LoggerFactory.getLogger(SrtHandshakeResponder.class);

    /** SRT_KM_STATE values a KMRSP carries when it cannot echo the key material. */
    static final int KM_STATE_NOSECRET = 3;
    static final int KM_STATE_BADSECRET = 4;

    private static final int MAX_MTU = 1500;
    private static final int MIN_PASSPHRASE = 10;
    private static final int MAX_PASSPHRASE = 79;

    /** What to do with a handshake. */
    sealed interface Outcome permits Reply, Accept, AcceptReader, Ignore {
    }

    /** Send {@code response}; no connection results (induction answer or rejection). */
    record Reply(SrtControlPacket response, SrtRejectReason rejection) implements Outcome {
    }

    /** Send {@code response} and start a session with these parameters. */
    record Accept(SrtControlPacket response, String stream, StreamPublisher publisher, SrtCrypto crypto,
                  int socketId, int peerSocketId, int initialSequence, int latencyMillis, int handshakeTimestamp)
            implements Outcome {
    }

    /** Send {@code response} and start a session sending {@code request}'s MPEG-TS to the caller. */
    record AcceptReader(SrtControlPacket response, SrtReadRequest request, SrtCrypto crypto, int socketId,
                        int peerSocketId, int initialSequence, int latencyMillis) implements Outcome {
    }

    /** Not a handshake worth an answer (malformed, rendezvous, a stale cookie). */
    record Ignore(String why) implements Outcome {
    }

    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final SrtSynCookies cookies;
    private final int latencyMillis;
    private final String passphrase;
    private final StaleSessions staleSessions;
    private final SrtPlayback playback;
    private final SrtPendingAdmissions admissions = new SrtPendingAdmissions();
    private long lastRejectionLogged = System.nanoTime() - 2_000_000_000L;

    /** Ends an SRT session of {@code stream} from {@code caller}'s host, if there is one. */
    @FunctionalInterface
    interface StaleSessions {
        boolean release(String stream, InetSocketAddress caller);
    }

    SrtHandshakeResponder(PublishAuthorizer authorizer, StreamHub hub, SrtSynCookies cookies, int latencyMillis,
                          String passphrase, StaleSessions staleSessions, SrtPlayback playback) {
        if (passphrase != null && (passphrase.length() < MIN_PASSPHRASE || passphrase.length() > MAX_PASSPHRASE)) {
            throw new IllegalArgumentException("SRT passphrase must have 10 to 79 characters");
        }
        this.authorizer = authorizer;
        this.hub = hub;
        this.cookies = cookies;
        this.latencyMillis = latencyMillis;
        this.passphrase = passphrase;
        this.staleSessions = staleSessions;
        this.playback = playback;
    }

    /**
     * @param newSocketId supplies our socket id for an accepted connection
     * @param atCapacity  true when no further session may start
     */
    Outcome respond(InetSocketAddress peer, SrtControlPacket packet, long nowMillis, IntSupplier newSocketId,
                    boolean atCapacity) {
        SrtHandshakeMessage hs = SrtHandshakeMessage.parse(packet.body());
        if (hs == null) {
            return new Ignore("malformed handshake");
        }
        return switch (hs.type()) {
            case SrtHandshakeMessage.TYPE_INDUCTION -> induction(peer, hs, nowMillis);
            case SrtHandshakeMessage.TYPE_CONCLUSION -> conclusion(peer, packet, hs, nowMillis, newSocketId, atCapacity);
            default -> new Ignore("handshake type " + hs.type() + " (rendezvous is not supported)");
        };
    }

    private Outcome induction(InetSocketAddress peer, SrtHandshakeMessage hs, long nowMillis) {
        SrtHandshakeMessage answer = new SrtHandshakeMessage(5, 0, SrtHandshakeMessage.SRT_MAGIC, hs.initialSequence(),
                Math.min(hs.mtu(), MAX_MTU), hs.flowWindow(), SrtHandshakeMessage.TYPE_INDUCTION, hs.socketId(),
                cookies.cookie(peer, nowMillis), hs.peerAddress(), List.of());
        return new Reply(control(answer, hs.socketId()), null);
    }

    private Outcome conclusion(InetSocketAddress peer, SrtControlPacket packet, SrtHandshakeMessage hs, long nowMillis,
                               IntSupplier newSocketId, boolean atCapacity) {
        if (!cookies.isValid(peer, hs.cookie(), nowMillis)) {
            return new Ignore("conclusion with a wrong or stale SYN cookie");
        }
        if (hs.version() < 5) {
            return reject(hs, SrtRejectReason.VERSION, "HSv4 caller");
        }
        SrtHandshakeMessage.Extension hsreqBlock = hs.extension(SrtHandshakeMessage.EXT_HSREQ);
        SrtHandshakeExtension hsreq = hsreqBlock == null ? null : SrtHandshakeExtension.parse(hsreqBlock.content());
        if (hsreq == null) {
            return reject(hs, SrtRejectReason.ROGUE, "conclusion without HSREQ");
        }
        if (hsreq.has(SrtHandshakeExtension.FLAG_STREAM)) {
            return reject(hs, SrtRejectReason.MESSAGE_API, "stream (file) mode");
        }
        if (atCapacity) {
            return reject(hs, SrtRejectReason.BACKLOG, "too many connections");
        }
        SrtHandshakeMessage.Extension sid = hs.extension(SrtHandshakeMessage.EXT_SID);
        SrtStreamId streamId = sid == null ? null : SrtStreamId.parse(SrtHandshakeMessage.decodeStreamId(sid.content()));
        if (streamId == null) {
            return reject(hs, SrtRejectReason.BAD_REQUEST, "missing or unreadable stream id");
        }
        if (streamId.mode() == SrtStreamId.Mode.REQUEST) {
            return reader(peer, hs, hsreq, streamId, newSocketId);
        }
        if (!hsreq.has(SrtHandshakeExtension.FLAG_TSBPDSND)) {
            return reject(hs, SrtRejectReason.ROGUE, "caller does not send with TSBPD (not live mode)");
        }
        SrtStreamId.Decision decision = streamId.authorize(authorizer, peer.getAddress());
        if (!decision.accepted()) {
            return reject(hs, decision.rejection(), "stream id refused");
        }
        Keys keys = keys(hs);
        if (keys.rejection() != null) {
            return keys.rejection();
        }
        SrtCrypto crypto = keys.crypto();
        SrtKeyMaterialMessage km = keys.km();

        PublishAdmission.Verdict verdict = admissions.verdict(peer, hs.socketId(), nowMillis,
                () -> authorizer.admit(decision.stream(), "srt", peer.getAddress(), streamId.presentedKey()));
        if (verdict == null) {
            return new Ignore("waiting for the on_publish verdict");
        }
        if (!verdict.allowed()) {
            return reject(hs, SrtRejectReason.FORBIDDEN, "refused by on_publish (" + verdict.reason() + ")");
        }

        StreamPublisher publisher;
        try {
            publisher = hub.publish(StreamPath.source(decision.stream()));
        } catch (StreamConflictException e) {
            // An encoder that lost its connection reconnects long before its old session times
            // out; the same host with the right key takes the stream over.
            if (!staleSessions.release(decision.stream(), peer)) {
                return reject(hs, SrtRejectReason.CONFLICT, "stream " + decision.stream() + " is live");
            }
            try {
                publisher = hub.publish(StreamPath.source(decision.stream()));
            } catch (StreamConflictException again) {
                return reject(hs, SrtRejectReason.CONFLICT, "stream " + decision.stream() + " is live");
            }
        }

        int latency = Math.max(latencyMillis, hsreq.senderDelayMs());
        int socketId = newSocketId.getAsInt();
        SrtControlPacket response = conclusionResponse(peer, hs, hsreq, latency, keys, socketId);
        log.info("SRT publisher {} for stream {} accepted (latency {} ms{})", peer, decision.stream(), latency,
                crypto != null ? ", AES-" + km.keyLength() * 8 : "");
        return new Accept(response, decision.stream(), publisher, crypto, socketId, hs.socketId(),
                hs.initialSequence() & SrtSequence.MASK, latency, packet.timestamp());
    }

    /**
     * A caller that asked to read: the playback side says whether it may; we then send with the
     * larger of our latency and the one the caller receives with.
     */
    private Outcome reader(InetSocketAddress peer, SrtHandshakeMessage hs, SrtHandshakeExtension hsreq,
                           SrtStreamId streamId, IntSupplier newSocketId) {
        SrtReadRequest request = streamId.readRequest();
        if (request == null) {
            return reject(hs, SrtRejectReason.BAD_REQUEST, "m=request without a valid stream name");
        }
        if (!hsreq.has(SrtHandshakeExtension.FLAG_TSBPDRCV)) {
            return reject(hs, SrtRejectReason.ROGUE, "reader does not receive with TSBPD (not live mode)");
        }
        SrtPlayback.Refusal refusal = playback.check(request, peer.getAddress());
        if (refusal != null) {
            return reject(hs, refusal.reason(), refusal.why());
        }
        Keys keys = keys(hs);
        if (keys.rejection() != null) {
            return keys.rejection();
        }
        int latency = Math.max(latencyMillis, hsreq.receiverDelayMs());
        int socketId = newSocketId.getAsInt();
        SrtControlPacket response = conclusionResponse(peer, hs, hsreq, latency, keys, socketId);
        log.info("SRT reader {} for {} accepted (latency {} ms{})", peer, request, latency,
                keys.crypto() != null ? ", AES-" + keys.km().keyLength() * 8 : "");
        return new AcceptReader(response, request, keys.crypto(), socketId, hs.socketId(),
                hs.initialSequence() & SrtSequence.MASK, latency);
    }

    /** The caller's key material checked against our passphrase: clear, keys, or a rejection. */
    private record Keys(SrtCrypto crypto, SrtKeyMaterialMessage km, Reply rejection) {
    }

    private Keys keys(SrtHandshakeMessage hs) {
        SrtHandshakeMessage.Extension kmreq = hs.extension(SrtHandshakeMessage.EXT_KMREQ);
        if (passphrase == null) {
            return kmreq == null ? new Keys(null, null, null)
                    : new Keys(null, null, reject(hs, SrtRejectReason.UNSECURE, "caller encrypts, no passphrase configured"));
        }
        if (kmreq == null) {
            return new Keys(null, null, reject(hs, SrtRejectReason.UNSECURE, "passphrase required, caller does not encrypt"));
        }
        SrtKeyMaterialMessage km = SrtKeyMaterialMessage.parse(kmreq.content());
        if (km == null) {
            return new Keys(null, null, reject(hs, SrtRejectReason.BAD_SECRET, "unusable key material"));
        }
        SrtCrypto crypto = new SrtCrypto(passphrase);
        try {
            crypto.apply(km);
        } catch (SrtCrypto.BadSecretException e) {
            return new Keys(null, null, reject(hs, SrtRejectReason.BAD_SECRET, "wrong passphrase"));
        }
        return new Keys(crypto, km, null);
    }

    /** HSRSP with both TSBPD directions at {@code latency} (and KMRSP echoing the key material). */
    private static SrtControlPacket conclusionResponse(InetSocketAddress peer, SrtHandshakeMessage hs,
                                                       SrtHandshakeExtension hsreq, int latency, Keys keys, int socketId) {
        int flags = SrtHandshakeExtension.FLAG_TSBPDSND | SrtHandshakeExtension.FLAG_TSBPDRCV
                | SrtHandshakeExtension.FLAG_TLPKTDROP | SrtHandshakeExtension.FLAG_PERIODICNAK
                | SrtHandshakeExtension.FLAG_REXMITFLG | (keys.crypto() != null ? SrtHandshakeExtension.FLAG_CRYPT : 0);
        SrtHandshakeExtension hsrsp = new SrtHandshakeExtension(SrtHandshakeExtension.VERSION_1_5_0, flags, latency,
                Math.max(latency, hsreq.receiverDelayMs()));
        List<SrtHandshakeMessage.Extension> extensions = new ArrayList<>();
        extensions.add(new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_HSRSP, hsrsp.toBytes()));
        if (keys.km() != null) {
            extensions.add(new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_KMRSP, keys.km().raw()));
        }
        SrtHandshakeMessage answer = new SrtHandshakeMessage(5, 0,
                SrtHandshakeMessage.FLAG_HSREQ | (keys.km() != null ? SrtHandshakeMessage.FLAG_KMREQ : 0),
                hs.initialSequence(), Math.min(hs.mtu(), MAX_MTU), hs.flowWindow(), SrtHandshakeMessage.TYPE_CONCLUSION,
                socketId, hs.cookie(), addressBytes(peer), extensions);
        return control(answer, hs.socketId());
    }

    private Reply reject(SrtHandshakeMessage hs, SrtRejectReason reason, String why) {
        // Rejections are what an operator looks for when OBS will not connect, but a flood of
        // them must not flood the log: one a second at info, the rest at debug.
        long now = System.nanoTime();
        if (now - lastRejectionLogged >= 1_000_000_000L) {
            lastRejectionLogged = now;
            log.info("SRT handshake from socket {} rejected: {} ({})", hs.socketId(), reason, why);
        } else {
            log.debug("SRT handshake from socket {} rejected: {} ({})", hs.socketId(), reason, why);
        }
        SrtHandshakeMessage answer = new SrtHandshakeMessage(5, 0, 0, hs.initialSequence(), hs.mtu(), hs.flowWindow(),
                reason.handshakeType(), 0, hs.cookie(), hs.peerAddress(), List.of());
        return new Reply(control(answer, hs.socketId()), reason);
    }

    private static SrtControlPacket control(SrtHandshakeMessage message, int destination) {
        return SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, destination, message.toBytes());
    }

    /**
     * The caller's address as libsrt writes it in Peer IP Address: an IPv4 address in the first
     * 32-bit word in host (little-endian) order, the rest zero.
     */
    private static byte[] addressBytes(InetSocketAddress peer) {
        byte[] out = new byte[16];
        byte[] address = peer.getAddress() == null ? new byte[0] : peer.getAddress().getAddress();
        if (address.length == 4) {
            out[0] = address[3];
            out[1] = address[2];
            out[2] = address[1];
            out[3] = address[0];
        } else if (address.length == 16) {
            for (int word = 0; word < 4; word++) {
                for (int i = 0; i < 4; i++) {
                    out[word * 4 + i] = address[word * 4 + 3 - i];
                }
            }
        }
        return out;
    }
}
