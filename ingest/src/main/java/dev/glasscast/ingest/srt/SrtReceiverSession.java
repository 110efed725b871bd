package dev.glasscast.ingest.srt;

import dev.glasscast.ingest.mpegts.TsDemuxer;
import dev.glasscast.ingest.mpegts.TsDemuxerListener;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one SRT live connection, after its handshake: its lifecycle
 * ({@link State}), decryption and key refreshes, the receiver buffer, keep-alives, the idle
 * timeout, statistics, and the hand-off of the delivered MPEG-TS to a {@link TsDemuxer} that
 * publishes into the hub. When each packet is due is {@link SrtDeliveryClock}'s job (TSBPD);
 * what the sender is told about the data (ACKs, NAKs, RTT) is {@link SrtReceiverFeedback}'s.
 *
 * <p>Everything runs on the listener's event loop: {@link #onPacket} on arrival,
 * {@link #tick} from a timer every {@link #TICK_MICROS}. Nothing here blocks.
 */
final class SrtReceiverSession implements SrtSession {

    private static final Logger log = LoggerFactory.getLogger(SrtReceiverSession.class);

    enum State { CONNECTED, CLOSED }

    static final long TICK_MICROS = 10_000;
    private static final long KEEPALIVE_INTERVAL = 1_000_000;

    private final Connection connection;
    private final long latencyMicros;
    private final long startMicros;
    private final Instant connectedAt;
    private final long idleTimeoutMicros;
    private final SrtCrypto crypto;
    private final StreamPublisher publisher;
    private final Consumer<SrtPacket> sender;
    private final SrtReceiveBuffer buffer;
    private final SrtDeliveryClock clock;
    private final SrtReceiverFeedback feedback;
    private final TsDemuxer demuxer;

    private State state = State.CONNECTED;
    private long lastReceiveMicros;
    private long lastSendMicros;

    private long packetsReceived;
    private long bytesReceived;
    private long packetsLost;
    private long packetsRetransmitted;
    private long packetsTooLate;
    private long packetsUndecryptable;
    private long packetsDuplicate;
    private int ticks;
    private volatile SrtSessionStats stats;

    /**
     * @param handshakeTimestamp the caller's timestamp on its conclusion, which starts its clock
     * @param crypto             the decryption state, or null for a clear connection
     * @param sender             writes a packet to the caller
     */
    SrtReceiverSession(String stream, InetSocketAddress peer, int socketId, int peerSocketId, int initialSequence,
                       long latencyMicros, int handshakeTimestamp, long nowMicros, long idleTimeoutMicros,
                       int bufferPackets, SrtCrypto crypto, StreamPublisher publisher, Consumer<SrtPacket> sender,
                       SrtControlPacket handshakeResponse) {
        this.connection = new Connection(stream, peer, socketId, peerSocketId, handshakeResponse);
        this.latencyMicros = latencyMicros;
        this.startMicros = nowMicros;
        this.connectedAt = Instant.now();
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.crypto = crypto;
        this.publisher = publisher;
        this.sender = sender;
        this.buffer = new SrtReceiveBuffer(bufferPackets, initialSequence);
        this.clock = new SrtDeliveryClock(latencyMicros, handshakeTimestamp, nowMicros);
        this.feedback = new SrtReceiverFeedback(buffer, (type, typeInfo, body, now) ->
                send(SrtControlPacket.of(type, typeInfo, timestamp(now), peerSocketId, body), now), nowMicros);
        this.demuxer = new TsDemuxer(new PublishingListener(publisher));
        this.lastReceiveMicros = nowMicros;
        this.lastSendMicros = nowMicros;
        this.stats = snapshot();
    }

    /** Forwards the demuxer's output to the hub. */
    private record PublishingListener(StreamPublisher publisher) implements TsDemuxerListener {
        @Override
        public void onTracks(List<TrackInfo> tracks) {
            publisher.tracks(tracks);
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            publisher.send(unit);
        }

        @Override
        public void onNotice(String notice) {
            publisher.notice(notice);
        }

        @Override
        public void onDiscontinuity() {
            publisher.discontinuity();
        }
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public long silentFor(long nowMicros) {
        return nowMicros - lastReceiveMicros;
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    SrtSessionStats stats() {
        return stats;
    }

    @Override
    public void onPacket(SrtPacket packet, long nowMicros) {
        if (state == State.CLOSED) {
            return;
        }
        lastReceiveMicros = nowMicros;
        switch (packet) {
            case SrtDataPacket data -> onData(data, nowMicros);
            case SrtControlPacket control -> onControl(control, nowMicros);
        }
    }

    private void onData(SrtDataPacket data, long nowMicros) {
        packetsReceived++;
        bytesReceived += data.payload().length;
        feedback.countArrival(data.payload().length);
        if (data.retransmitted()) {
            packetsRetransmitted++;
        }
        byte[] payload = data.payload();
        if (data.keyFlags() != 0) {
            if (crypto == null || !crypto.decrypt(data.sequence(), data.keyFlags(), payload)) {
                packetsUndecryptable++;
                return;
            }
        } else if (crypto != null) {
            packetsUndecryptable++; // clear text on an encrypted connection: not from our caller
            return;
        }
        long due = clock.deliveryTime(data.timestamp(), data.retransmitted(), nowMicros);
        SrtReceiveBuffer.Insert result = buffer.insert(data.sequence(), payload, due, (first, last) -> {
            packetsLost += SrtSequence.diff(last, first) + 1;
            feedback.reportLoss(first, last, nowMicros);
        });
        switch (result) {
            case STORED -> { }
            case DUPLICATE -> packetsDuplicate++;
            case TOO_LATE, BEYOND_BUFFER -> packetsTooLate++;
        }
        feedback.packetHandled(nowMicros);
    }

    private void onControl(SrtControlPacket control, long nowMicros) {
        switch (control.type()) {
            case KEEPALIVE, ACK, NAK, CONGESTION_WARNING, PEER_ERROR -> { } // liveness only: we send no data
            case ACKACK -> feedback.onAckAck(control.typeInfo(), nowMicros);
            case SHUTDOWN -> {
                // What is buffered was sent before the shutdown: hand it over rather than lose the tail.
                buffer.deliver(Long.MAX_VALUE, payload -> demuxer.feed(payload, 0, payload.length));
                close("peer shut down");
            }
            case DROPREQ -> {
                if (control.body().length >= 8) {
                    ByteBuffer in = ByteBuffer.wrap(control.body());
                    buffer.drop(in.getInt() & SrtSequence.MASK, in.getInt() & SrtSequence.MASK);
                }
            }
            case HANDSHAKE -> send(connection.handshakeResponse(), nowMicros); // a repeated conclusion: our answer was lost
            case USER_DEFINED -> onUserDefined(control, nowMicros);
        }
    }

    /** A key material refresh: the sender announces its next key before switching to it. */
    private void onUserDefined(SrtControlPacket control, long nowMicros) {
        if (control.subtype() != SrtControlType.SUBTYPE_KMREQ || crypto == null) {
            return;
        }
        SrtKeyMaterialMessage km = SrtKeyMaterialMessage.parse(control.body());
        byte[] answer;
        if (km == null) {
            answer = ByteBuffer.allocate(4).putInt(SrtHandshakeResponder.KM_STATE_BADSECRET).array();
        } else {
            try {
                crypto.apply(km);
                answer = km.raw();
            } catch (SrtCrypto.BadSecretException e) {
                answer = ByteBuffer.allocate(4).putInt(SrtHandshakeResponder.KM_STATE_BADSECRET).array();
            }
        }
        send(new SrtControlPacket(SrtControlType.USER_DEFINED, SrtControlType.SUBTYPE_KMRSP, 0, timestamp(nowMicros),
                connection.peerSocketId(), answer), nowMicros);
    }

    /** The timer: deliver what is due, acknowledge, report losses, keep alive, time out. */
    @Override
    public void tick(long nowMicros) {
        if (state == State.CLOSED) {
            return;
        }
        if (nowMicros - lastReceiveMicros > idleTimeoutMicros) {
            close("peer silent for " + idleTimeoutMicros / 1000 + " ms");
            return;
        }
        buffer.deliver(nowMicros, payload -> demuxer.feed(payload, 0, payload.length));
        feedback.tick(nowMicros);
        if (nowMicros - lastSendMicros >= KEEPALIVE_INTERVAL) {
            send(SrtControlPacket.of(SrtControlType.KEEPALIVE, 0, timestamp(nowMicros), connection.peerSocketId(), new byte[4]),
                    nowMicros);
        }
        clock.tick(nowMicros);
        if (++ticks % 10 == 0) {
            stats = snapshot();
        }
    }

    private void send(SrtPacket packet, long nowMicros) {
        lastSendMicros = nowMicros;
        sender.accept(packet);
    }

    int timestamp(long nowMicros) {
        return (int) (nowMicros - startMicros);
    }

    /** Ends the session: tells the peer (unless it left), unpublishes. Idempotent. */
    @Override
    public void close(String why) {
        switch (state) {
            case CONNECTED -> {
                state = State.CLOSED;
                if (!why.equals("peer shut down")) {
                    sender.accept(SrtControlPacket.of(SrtControlType.SHUTDOWN, 0, 0, connection.peerSocketId(), new byte[4]));
                }
                // The caller's last packets may have been lost with its close: never hand on a
                // frame that may be cut short.
                demuxer.discardUnfinished();
                publisher.close();
                stats = snapshot();
                log.info("SRT publisher of {} from {} closed: {}; {}; {}", connection.stream(), connection.peer(), why, stats,
                        demuxer.stats());
            }
            case CLOSED -> { }
        }
    }

    private SrtSessionStats snapshot() {
        return new SrtSessionStats(connection.stream(), connection.peer(), connection.socketId(), connectedAt, (int) (latencyMicros / 1000), crypto != null,
                feedback.rtt(), feedback.rttVariance(), packetsReceived, bytesReceived, packetsLost, packetsRetransmitted,
                packetsTooLate + packetsUndecryptable + buffer.droppedPackets(), packetsDuplicate,
                feedback.ratePackets(), feedback.rateBits(),
                buffer.level(), demuxer.stats().continuityErrors(), crypto == null ? 0 : crypto.refreshes());
    }
}
