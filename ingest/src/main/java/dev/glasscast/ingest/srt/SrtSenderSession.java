package dev.glasscast.ingest.srt;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one SRT live connection, for a reader ({@code m=request}): the MPEG-TS its
 * {@link SrtPlayback.Feed} hands over goes out one data packet per 1316 bytes, stamped with the
 * time it was sent, so the reader's TSBPD plays it out {@code latency} later at the pace it was
 * sent. What was sent is kept until the reader acknowledges it, or until it is too old to be
 * played ({@code latency} + 1 s), and sent again when the reader reports it lost. Full ACKs are
 * answered with ACKACKs (the reader's RTT), silence is kept alive, and a reader silent for the
 * idle timeout is closed.
 *
 * <p>Threads: the feed calls {@link #sink()} from its own thread and only touches a bounded
 * queue; everything else runs on the listener's event loop, which moves the queue onto the wire
 * at every {@link #tick}. A reader that does not keep up loses whole payloads at the queue (the
 * feed then restarts at a key frame), never blocks the feed or the loop.
 */
final class SrtSenderSession implements SrtSession {

    private static final Logger log = LoggerFactory.getLogger(SrtSenderSession.class);

    enum State { CONNECTED, CLOSED }

    /** Payloads waiting for the event loop: about 5 MB, 4 s of a 10 Mbit/s rendition. */
    static final int MAX_QUEUED = 4096;
    /** Sent and not yet acknowledged: 8192 payloads, about 10 MB. */
    static final int MAX_UNACKED = 8192;
    /** A sent packet is kept for retransmission this long beyond the latency. */
    private static final long KEEP_BEYOND_LATENCY_MICROS = 1_000_000;
    private static final long KEEPALIVE_INTERVAL = 1_000_000;
    /** Most packets sent again for one loss report, so a forged report cannot make us flood. */
    private static final int MAX_RETRANSMIT_PER_NAK = 1024;
    private static final int MESSAGE_NUMBER_MASK = 0x03FFFFFF;

    /** One payload as it went out, to be sent again as it was. */
    private record Sent(int sequence, int messageNumber, int timestamp, int keyFlags, byte[] payload, long sentAtMicros) {
    }

    private final Connection connection;
    private final long latencyMicros;
    private final long startMicros;
    private final long idleTimeoutMicros;
    private final SrtCrypto crypto;
    private final Consumer<SrtPacket> sender;

    private final Queue<byte[]> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** Set by the feed when it ends; the loop closes the session once the queue is sent. */
    private volatile String feedEnded;
    private volatile boolean closedForFeed;
    private SrtPlayback.Feed feed;

    /** Unacknowledged packets in sequence order: a ring of {@link #MAX_UNACKED}. */
    private final Sent[] unacked = new Sent[MAX_UNACKED];
    private int unackedHead;
    private int unackedCount;

    private State state = State.CONNECTED;
    private int nextSequence;
    private int nextMessageNumber = 1;
    private long lastReceiveMicros;
    private long lastSendMicros;
    private long rttMicros = 100_000;

    private long packetsSent;
    private long bytesSent;
    private long packetsRetransmitted;
    /** Payloads the feed could not queue; written by the feed's thread. */
    private final AtomicLong packetsDroppedQueueFull = new AtomicLong();
    private long packetsDroppedUnacknowledged;

    /**
     * @param initialSequence the caller's initial sequence number, which HSv5 uses both ways
     * @param crypto          the caller's key material, or null for a clear connection
     * @param sender          writes a packet to the caller
     */
    SrtSenderSession(Connection connection, int initialSequence, long latencyMicros, long nowMicros,
                     long idleTimeoutMicros, SrtCrypto crypto, Consumer<SrtPacket> sender) {
        this.connection = connection;
        this.nextSequence = initialSequence & SrtSequence.MASK;
        this.latencyMicros = latencyMicros;
        this.startMicros = nowMicros;
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.crypto = crypto;
        this.sender = sender;
        this.lastReceiveMicros = nowMicros;
        this.lastSendMicros = nowMicros;
    }

    /** Where the feed writes; any thread. */
    SrtPlayback.Sink sink() {
        return new SrtPlayback.Sink() {
            @Override
            public boolean send(byte[] packets) {
                if (closedForFeed) {
                    return false;
                }
                if (queuedCount.incrementAndGet() > MAX_QUEUED) {
                    queuedCount.decrementAndGet();
                    packetsDroppedQueueFull.incrementAndGet();
                    return false;
                }
                queued.add(packets);
                return true;
            }

            @Override
            public void end(String why) {
                feedEnded = why;
            }
        };
    }

    /** The feed this session's reader gets; closed with the session. Event loop. */
    void feed(SrtPlayback.Feed newFeed) {
        if (state == State.CLOSED) {
            newFeed.close();
        } else {
            feed = newFeed;
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

    @Override
    public void onPacket(SrtPacket packet, long nowMicros) {
        if (state == State.CLOSED) {
            return;
        }
        lastReceiveMicros = nowMicros;
        if (!(packet instanceof SrtControlPacket control)) {
            return; // a reader sends no data
        }
        switch (control.type()) {
            case ACK -> onAck(control, nowMicros);
            case NAK -> onNak(control.body(), nowMicros);
            case SHUTDOWN -> close("peer shut down");
            case HANDSHAKE -> send(connection.handshakeResponse(), nowMicros); // a repeated conclusion: our answer was lost
            case KEEPALIVE, ACKACK, DROPREQ, CONGESTION_WARNING, PEER_ERROR, USER_DEFINED -> { }
        }
    }

    /**
     * The reader has everything before the sequence number it names (the next it expects). A
     * full ACK (with an ACK number) wants an ACKACK back and carries the reader's RTT.
     */
    private void onAck(SrtControlPacket ack, long nowMicros) {
        byte[] body = ack.body();
        if (body.length < 4) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        int next = in.getInt() & SrtSequence.MASK;
        while (unackedCount > 0 && SrtSequence.diff(next, unacked[unackedHead].sequence()) > 0) {
            removeHead();
        }
        if (ack.typeInfo() != 0) {
            send(SrtControlPacket.of(SrtControlType.ACKACK, ack.typeInfo(), timestamp(nowMicros), connection.peerSocketId(),
                    new byte[4]), nowMicros);
            if (body.length >= 8) {
                rttMicros = in.getInt();
            }
        }
    }

    /** Sends again what the reader lists as lost (single numbers, or ranges as first | 0x80000000, last). */
    private void onNak(byte[] body, long nowMicros) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int budget = MAX_RETRANSMIT_PER_NAK;
        while (in.remaining() >= 4 && budget > 0) {
            int first = in.getInt();
            int last = first;
            if ((first & 0x80000000) != 0) {
                if (in.remaining() < 4) {
                    return;
                }
                first &= SrtSequence.MASK;
                last = in.getInt() & SrtSequence.MASK;
            }
            int count = SrtSequence.diff(last, first) + 1;
            for (int i = 0; i < count && budget > 0; i++, budget--) {
                Sent sent = unackedAt(SrtSequence.add(first, i));
                if (sent != null) {
                    packetsRetransmitted++;
                    send(new SrtDataPacket(sent.sequence(), SrtDataPacket.POSITION_SOLO, false, sent.keyFlags(), true,
                            sent.messageNumber(), sent.timestamp(), connection.peerSocketId(), sent.payload()), nowMicros);
                }
            }
        }
    }

    /** The timer: send what the feed queued, forget what is too old, keep alive, time out. */
    @Override
    public void tick(long nowMicros) {
        if (state == State.CLOSED) {
            return;
        }
        if (nowMicros - lastReceiveMicros > idleTimeoutMicros) {
            close("reader silent for " + idleTimeoutMicros / 1000 + " ms");
            return;
        }
        byte[] payload;
        while ((payload = queued.poll()) != null) {
            queuedCount.decrementAndGet();
            sendNew(payload, nowMicros);
        }
        long oldest = nowMicros - latencyMicros - KEEP_BEYOND_LATENCY_MICROS;
        while (unackedCount > 0 && unacked[unackedHead].sentAtMicros() < oldest) {
            removeHead();
            packetsDroppedUnacknowledged++;
        }
        if (nowMicros - lastSendMicros >= KEEPALIVE_INTERVAL) {
            send(SrtControlPacket.of(SrtControlType.KEEPALIVE, 0, timestamp(nowMicros), connection.peerSocketId(), new byte[4]), nowMicros);
        }
        String ended = feedEnded;
        if (ended != null) {
            close(ended);
        }
    }

    private void sendNew(byte[] payload, long nowMicros) {
        int sequence = nextSequence;
        nextSequence = SrtSequence.next(sequence);
        int messageNumber = nextMessageNumber;
        nextMessageNumber = (messageNumber & MESSAGE_NUMBER_MASK) == MESSAGE_NUMBER_MASK ? 1 : messageNumber + 1;
        int keyFlags = crypto == null ? 0 : crypto.encrypt(sequence, payload);
        Sent sent = new Sent(sequence, messageNumber, timestamp(nowMicros), keyFlags, payload, nowMicros);
        if (unackedCount == MAX_UNACKED) {
            removeHead();
            packetsDroppedUnacknowledged++;
        }
        unacked[(unackedHead + unackedCount) % MAX_UNACKED] = sent;
        unackedCount++;
        packetsSent++;
        bytesSent += payload.length;
        send(new SrtDataPacket(sequence, SrtDataPacket.POSITION_SOLO, false, keyFlags, false, messageNumber,
                sent.timestamp(), connection.peerSocketId(), payload), nowMicros);
    }

    /** The unacknowledged packet {@code sequence}, or null if it was acknowledged, dropped or never sent. */
    private Sent unackedAt(int sequence) {
        if (unackedCount == 0) {
            return null;
        }
        int offset = SrtSequence.diff(sequence, unacked[unackedHead].sequence());
        return offset < 0 || offset >= unackedCount ? null : unacked[(unackedHead + offset) % MAX_UNACKED];
    }

    private void removeHead() {
        unacked[unackedHead] = null;
        unackedHead = (unackedHead + 1) % MAX_UNACKED;
        unackedCount--;
    }

    private void send(SrtPacket packet, long nowMicros) {
        lastSendMicros = nowMicros;
        sender.accept(packet);
    }

    private int timestamp(long nowMicros) {
        return (int) (nowMicros - startMicros);
    }

    @Override
    public void close(String why) {
        switch (state) {
            case CONNECTED -> {
                state = State.CLOSED;
                closedForFeed = true;
                if (!why.equals("peer shut down")) {
                    sender.accept(SrtControlPacket.of(SrtControlType.SHUTDOWN, 0, 0, connection.peerSocketId(), new byte[4]));
                }
                if (feed != null) {
                    feed.close();
                }
                queued.clear();
                log.info("SRT reader of {} from {} closed: {}; {} packets ({} bytes) sent, {} sent again, {} given up"
                                + " unacknowledged, {} not queued (reader too slow), rtt {} ms", connection.stream(), connection.peer(), why,
                        packetsSent, bytesSent, packetsRetransmitted, packetsDroppedUnacknowledged,
                        packetsDroppedQueueFull.get(), rttMicros / 1000);
            }
            case CLOSED -> { }
        }
    }

    long packetsSent() {
        return packetsSent;
    }

    long packetsRetransmitted() {
        return packetsRetransmitted;
    }
}
