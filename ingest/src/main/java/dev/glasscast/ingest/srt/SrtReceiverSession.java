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
 * The receiving side of one SRT live connection, after its handshake: the receiver buffer with
 * TSBPD delivery, loss reports (an immediate NAK per new gap plus a periodic NAK of all open
 * gaps), full ACKs every 10 ms and light ACKs every 64 packets in between, RTT from ACKACK,
 * keep-alives, decryption, and the hand-off of the delivered MPEG-TS to a {@link TsDemuxer}
 * that publishes into the hub.
 *
 * <p>Everything runs on the listener's event loop: {@link #onPacket} on arrival,
 * {@link #tick} from a timer every {@link #TICK_MICROS}. Nothing here blocks.
 */
final class SrtReceiverSession {

    private static final Logger log = LoggerFactory.getLogger(SrtReceiverSession.class);

    enum State { CONNECTED, CLOSED }

    static final long TICK_MICROS = 10_000;
    private static final long FULL_ACK_INTERVAL = 10_000;
    private static final int LIGHT_ACK_PACKETS = 64;
    private static final long MIN_NAK_INTERVAL = 20_000;
    private static final long KEEPALIVE_INTERVAL = 1_000_000;
    private static final int MAX_NAK_RANGES = 180; // 180 ranges x 8 bytes fit one 1456-byte packet
    private static final int ACK_HISTORY = 64;
    private static final long DRIFT_WINDOW = 5_000_000;
    private static final long MAX_DRIFT_STEP = 2_000;

    private final String stream;
    private final InetSocketAddress peer;
    private final int socketId;
    private final int peerSocketId;
    private final long latencyMicros;
    private final long startMicros;
    private final Instant connectedAt;
    private final long idleTimeoutMicros;
    private final SrtCrypto crypto;
    private final StreamPublisher publisher;
    private final Consumer<SrtPacket> sender;
    private final SrtReceiveBuffer buffer;
    private final TsDemuxer demuxer;
    /** The conclusion response, sent again when the caller repeats its conclusion. */
    private final SrtControlPacket handshakeResponse;

    private State state = State.CONNECTED;
    private long tsbpdBase;
    /** Smallest arrival-minus-timestamp in the current drift window (first transmissions only). */
    private long driftWindowMin = Long.MAX_VALUE;
    private long driftWindowStart;
    private long lastTimestamp = Long.MIN_VALUE;
    private long lastReceiveMicros;
    private long lastSendMicros;
    private long lastFullAckMicros;
    private int lastFullAckSequence = -1;
    private int packetsSinceAck;
    private long lastNakMicros;
    private int ackNumber;
    private final int[] ackNumbers = new int[ACK_HISTORY];
    private final long[] ackTimes = new long[ACK_HISTORY];
    private long rtt = 100_000;
    private long rttVariance = 50_000;

    private long packetsReceived;
    private long bytesReceived;
    private long packetsLost;
    private long packetsRetransmitted;
    private long packetsTooLate;
    private long packetsUndecryptable;
    private long packetsDuplicate;
    private long rateWindowStart;
    private long rateWindowPackets;
    private long rateWindowBytes;
    private long ratePackets;
    private long rateBits;
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
        this.stream = stream;
        this.peer = peer;
        this.socketId = socketId;
        this.peerSocketId = peerSocketId;
        this.latencyMicros = latencyMicros;
        this.startMicros = nowMicros;
        this.connectedAt = Instant.now();
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.crypto = crypto;
        this.publisher = publisher;
        this.sender = sender;
        this.handshakeResponse = handshakeResponse;
        this.buffer = new SrtReceiveBuffer(bufferPackets, initialSequence);
        this.demuxer = new TsDemuxer(new PublishingListener(publisher));
        this.tsbpdBase = nowMicros - Integer.toUnsignedLong(handshakeTimestamp);
        this.lastReceiveMicros = nowMicros;
        this.lastSendMicros = nowMicros;
        this.rateWindowStart = nowMicros;
        this.driftWindowStart = nowMicros;
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

    int socketId() {
        return socketId;
    }

    int peerSocketId() {
        return peerSocketId;
    }

    InetSocketAddress peer() {
        return peer;
    }

    String stream() {
        return stream;
    }

    SrtControlPacket handshakeResponse() {
        return handshakeResponse;
    }

    long silentFor(long nowMicros) {
        return nowMicros - lastReceiveMicros;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    SrtSessionStats stats() {
        return stats;
    }

    void onPacket(SrtPacket packet, long nowMicros) {
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
        rateWindowPackets++;
        rateWindowBytes += data.payload().length;
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
        long timestamp = unwrapTimestamp(data.timestamp());
        // The earliest arrival relative to the sender's clock fixes the base; later ones only queue.
        long offset = nowMicros - timestamp;
        tsbpdBase = Math.min(tsbpdBase, offset);
        if (!data.retransmitted()) {
            driftWindowMin = Math.min(driftWindowMin, offset);
        }
        SrtReceiveBuffer.Insert result = buffer.insert(data.sequence(), payload, tsbpdBase + timestamp + latencyMicros,
                (first, last) -> {
                    packetsLost += SrtSequence.diff(last, first) + 1;
                    sendNak(List.<int[]>of(new int[] {first, last}), nowMicros);
                });
        switch (result) {
            case STORED -> { }
            case DUPLICATE -> packetsDuplicate++;
            case TOO_LATE, BEYOND_BUFFER -> packetsTooLate++;
        }
        if (++packetsSinceAck >= LIGHT_ACK_PACKETS) {
            packetsSinceAck = 0;
            send(SrtControlPacket.of(SrtControlType.ACK, 0, timestamp(nowMicros), peerSocketId,
                    ByteBuffer.allocate(4).putInt(buffer.ackSequence()).array()), nowMicros);
        }
    }

    private long unwrapTimestamp(int raw) {
        long value = Integer.toUnsignedLong(raw);
        if (lastTimestamp == Long.MIN_VALUE) {
            lastTimestamp = value;
            return value;
        }
        long candidate = (lastTimestamp & ~0xFFFFFFFFL) | value;
        if (candidate - lastTimestamp > 0x80000000L) {
            candidate -= 0x100000000L;
        } else if (lastTimestamp - candidate > 0x80000000L) {
            candidate += 0x100000000L;
        }
        if (candidate > lastTimestamp) {
            lastTimestamp = candidate;
        }
        return candidate;
    }

    private void onControl(SrtControlPacket control, long nowMicros) {
        switch (control.type()) {
            case KEEPALIVE, ACK, NAK, CONGESTION_WARNING, PEER_ERROR -> { } // liveness only: we send no data
            case ACKACK -> onAckAck(control.typeInfo(), nowMicros);
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
            case HANDSHAKE -> send(handshakeResponse, nowMicros); // a repeated conclusion: our answer was lost
            case USER_DEFINED -> onUserDefined(control, nowMicros);
        }
    }

    private void onAckAck(int acknowledged, long nowMicros) {
        for (int i = 0; i < ACK_HISTORY; i++) {
            if (ackNumbers[i] == acknowledged && ackTimes[i] != 0) {
                long sample = nowMicros - ackTimes[i];
                ackTimes[i] = 0;
                rttVariance = (3 * rttVariance + Math.abs(rtt - sample)) / 4;
                rtt = (7 * rtt + sample) / 8;
                return;
            }
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
                peerSocketId, answer), nowMicros);
    }

    /** The timer: deliver what is due, acknowledge, report losses, keep alive, time out. */
    void tick(long nowMicros) {
        if (state == State.CLOSED) {
            return;
        }
        if (nowMicros - lastReceiveMicros > idleTimeoutMicros) {
            close("peer silent for " + idleTimeoutMicros / 1000 + " ms");
            return;
        }
        buffer.deliver(nowMicros, payload -> demuxer.feed(payload, 0, payload.length));
        int ackSequence = buffer.ackSequence();
        if (nowMicros - lastFullAckMicros >= FULL_ACK_INTERVAL && ackSequence != lastFullAckSequence) {
            sendFullAck(ackSequence, nowMicros);
        }
        long nakInterval = Math.max(MIN_NAK_INTERVAL, (rtt + 4 * rttVariance) / 2);
        if (nowMicros - lastNakMicros >= nakInterval) {
            List<int[]> losses = buffer.lossRanges(MAX_NAK_RANGES);
            if (!losses.isEmpty()) {
                sendNak(losses, nowMicros);
            }
        }
        if (nowMicros - lastSendMicros >= KEEPALIVE_INTERVAL) {
            send(SrtControlPacket.of(SrtControlType.KEEPALIVE, 0, timestamp(nowMicros), peerSocketId, new byte[4]), nowMicros);
        }
        if (nowMicros - driftWindowStart >= DRIFT_WINDOW) {
            followSlowerSenderClock();
            driftWindowStart = nowMicros;
        }
        if (nowMicros - rateWindowStart >= 1_000_000) {
            long span = nowMicros - rateWindowStart;
            ratePackets = rateWindowPackets * 1_000_000 / span;
            rateBits = rateWindowBytes * 8 * 1_000_000 / span;
            rateWindowPackets = 0;
            rateWindowBytes = 0;
            rateWindowStart = nowMicros;
        }
        if (++ticks % 10 == 0) {
            stats = snapshot();
        }
    }

    /**
     * A sender whose clock runs slower than ours makes every packet arrive a little later
     * relative to the base, eating into the latency until lost packets can no longer be
     * repaired in time. When a whole window arrived later than the base, move the base towards
     * it (a few milliseconds per window, so one delayed burst cannot move it far). A faster
     * sender clock needs nothing: the minimum in {@link #onData} already follows it.
     */
    private void followSlowerSenderClock() {
        if (driftWindowMin != Long.MAX_VALUE && driftWindowMin > tsbpdBase) {
            tsbpdBase += Math.min(driftWindowMin - tsbpdBase, MAX_DRIFT_STEP);
        }
        driftWindowMin = Long.MAX_VALUE;
    }

    private void sendFullAck(int ackSequence, long nowMicros) {
        ackNumber = ackNumber == Integer.MAX_VALUE ? 1 : ackNumber + 1;
        int slot = ackNumber % ACK_HISTORY;
        ackNumbers[slot] = ackNumber;
        ackTimes[slot] = nowMicros;
        lastFullAckMicros = nowMicros;
        lastFullAckSequence = ackSequence;
        packetsSinceAck = 0;
        // Last Acknowledged Packet Sequence Number, RTT, RTT Variance, Available Buffer Size,
        // Packets Receiving Rate, Estimated Link Capacity, Receiving Rate (bytes/s).
        byte[] body = ByteBuffer.allocate(28)
                .putInt(ackSequence)
                .putInt((int) rtt)
                .putInt((int) rttVariance)
                .putInt(Math.max(2, buffer.capacity() - buffer.level()))
                .putInt((int) ratePackets)
                .putInt((int) Math.max(ratePackets, 1))
                .putInt((int) (rateBits / 8))
                .array();
        send(SrtControlPacket.of(SrtControlType.ACK, ackNumber, timestamp(nowMicros), peerSocketId, body), nowMicros);
    }

    /** A loss report: single sequence numbers, or ranges as (first | 0x80000000, last). */
    private void sendNak(List<int[]> ranges, long nowMicros) {
        ByteBuffer body = ByteBuffer.allocate(ranges.size() * 8);
        for (int[] range : ranges) {
            if (range[0] == range[1]) {
                body.putInt(range[0]);
            } else {
                body.putInt(range[0] | 0x80000000).putInt(range[1]);
            }
        }
        byte[] cif = new byte[body.position()];
        body.flip().get(cif);
        lastNakMicros = nowMicros;
        send(SrtControlPacket.of(SrtControlType.NAK, 0, timestamp(nowMicros), peerSocketId, cif), nowMicros);
    }

    private void send(SrtPacket packet, long nowMicros) {
        lastSendMicros = nowMicros;
        sender.accept(packet);
    }

    int timestamp(long nowMicros) {
        return (int) (nowMicros - startMicros);
    }

    /** Ends the session: tells the peer (unless it left), unpublishes. Idempotent. */
    void close(String why) {
        switch (state) {
            case CONNECTED -> {
                state = State.CLOSED;
                if (!why.equals("peer shut down")) {
                    sender.accept(SrtControlPacket.of(SrtControlType.SHUTDOWN, 0, 0, peerSocketId, new byte[4]));
                }
                // The caller's last packets may have been lost with its close: never hand on a
                // frame that may be cut short.
                demuxer.discardUnfinished();
                publisher.close();
                stats = snapshot();
                log.info("SRT publisher of {} from {} closed: {}; {}; {}", stream, peer, why, stats, demuxer.stats());
            }
            case CLOSED -> { }
        }
    }

    private SrtSessionStats snapshot() {
        return new SrtSessionStats(stream, peer, socketId, connectedAt, (int) (latencyMicros / 1000), crypto != null,
                rtt, rttVariance, packetsReceived, bytesReceived, packetsLost, packetsRetransmitted,
                packetsTooLate + packetsUndecryptable + buffer.droppedPackets(), packetsDuplicate, ratePackets, rateBits,
                buffer.level(), demuxer.stats().continuityErrors(), crypto == null ? 0 : crypto.refreshes());
    }
}
