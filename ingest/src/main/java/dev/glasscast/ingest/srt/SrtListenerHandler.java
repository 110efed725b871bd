package dev.glasscast.ingest.srt;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes decoded SRT packets on the listening socket: handshakes with destination socket 0 to
 * the {@link SrtHandshakeResponder}, everything else to the session owning the destination
 * socket id (and only when it comes from that session's address): a publisher's
 * {@link SrtReceiverSession} or a reader's {@link SrtSenderSession}, fed by the
 * {@link SrtPlayback}. Drives every session's timer from one task on the channel's event loop.
 */
final class SrtListenerHandler extends SimpleChannelInboundHandler<SrtEnvelope> {

    private static final Logger log = LoggerFactory.getLogger(SrtListenerHandler.class);

    /** A session silent this long may be taken over by a reconnect from its host. */
    static final long STALE_MICROS = 1_000_000;

    /** Identifies a caller's connection attempt: the same conclusion repeated maps to one session. */
    private record CallerKey(InetSocketAddress peer, int callerSocketId) {
    }

    private SrtHandshakeResponder responder;
    private final int maxSessions;
    private final int bufferPackets;
    private final long idleTimeoutMicros;
    private final LongSupplier nowMicros;
    private final SecureRandom random;
    private final SrtPlayback playback;

    private final Map<Integer, SrtSession> bySocket = new HashMap<>();
    private final Map<CallerKey, SrtSession> byCaller = new HashMap<>();
    /** Read from other threads; written on the event loop. */
    private final Map<Integer, SrtReceiverSession> published = new ConcurrentHashMap<>();
    private Channel channel;
    private ScheduledFuture<?> timer;
    private long ignored;

    SrtListenerHandler(int maxSessions, int bufferPackets, long idleTimeoutMicros,
                       LongSupplier nowMicros, SecureRandom random, SrtPlayback playback) {
        super(SrtEnvelope.class);
        this.playback = playback;
        this.maxSessions = maxSessions;
        this.bufferPackets = bufferPackets;
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.nowMicros = nowMicros;
        this.random = random;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        timer = ctx.executor().scheduleAtFixedRate(this::tick, SrtReceiverSession.TICK_MICROS,
                SrtReceiverSession.TICK_MICROS, TimeUnit.MICROSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) {
            timer.cancel(false);
        }
        closeAll("listener closed");
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SrtEnvelope envelope) {
        long now = nowMicros.getAsLong();
        SrtPacket packet = envelope.packet();
        if (packet.destinationSocket() == 0) {
            if (packet instanceof SrtControlPacket control && control.type() == SrtControlType.HANDSHAKE) {
                onHandshake(envelope.peer(), control, now);
            } else {
                ignored++;
            }
            return;
        }
        SrtSession session = bySocket.get(packet.destinationSocket());
        if (session == null || !session.peer().equals(envelope.peer())) {
            ignored++;
            return;
        }
        session.onPacket(packet, now);
        if (session.isClosed()) {
            remove(session);
        }
    }

    private void onHandshake(InetSocketAddress peer, SrtControlPacket control, long now) {
        SrtHandshakeMessage peek = SrtHandshakeMessage.parse(control.body());
        if (peek != null && peek.type() == SrtHandshakeMessage.TYPE_CONCLUSION) {
            SrtSession existing = byCaller.get(new CallerKey(peer, peek.socketId()));
            if (existing != null) {
                send(peer, existing.handshakeResponse());
                return;
            }
        }
        SrtHandshakeResponder.Outcome outcome = responder.respond(peer, control, now / 1000, this::newSocketId,
                bySocket.size() >= maxSessions);
        switch (outcome) {
            case SrtHandshakeResponder.Reply reply -> send(peer, reply.response());
            case SrtHandshakeResponder.Accept accept -> {
                SrtReceiverSession session = new SrtReceiverSession(accept.stream(), peer, accept.socketId(),
                        accept.peerSocketId(), accept.initialSequence(), accept.latencyMillis() * 1000L,
                        accept.handshakeTimestamp(), now, idleTimeoutMicros, bufferPackets, accept.crypto(),
                        accept.publisher(), p -> send(peer, p), accept.response());
                bySocket.put(session.socketId(), session);
                byCaller.put(new CallerKey(peer, session.peerSocketId()), session);
                published.put(session.socketId(), session);
                accept.publisher().onDisconnect(reason -> channel.eventLoop().execute(() -> {
                    session.close(reason);
                    remove(session);
                }));
                send(peer, accept.response());
            }
            case SrtHandshakeResponder.AcceptReader accept -> {
                SrtSenderSession session = new SrtSenderSession(new SrtSession.Connection(accept.request().toString(), peer,
                        accept.socketId(), accept.peerSocketId(), accept.response()), accept.initialSequence(),
                        accept.latencyMillis() * 1000L, now, idleTimeoutMicros, accept.crypto(), p -> send(peer, p));
                bySocket.put(session.socketId(), session);
                byCaller.put(new CallerKey(peer, session.peerSocketId()), session);
                send(peer, accept.response());
                try {
                    session.feed(playback.open(accept.request(), session.sink()));
                } catch (RuntimeException e) {
                    log.error("SRT playback of {} failed to start; closing the reader", accept.request(), e);
                    session.close("playback failed to start");
                    remove(session);
                }
            }
            case SrtHandshakeResponder.Ignore ignore -> {
                ignored++;
                log.debug("SRT handshake from {} ignored: {}", peer, ignore.why());
            }
        }
    }

    /** Must be called once before the channel is active; the responder calls back into {@link #releaseStale}. */
    void responder(SrtHandshakeResponder newResponder) {
        this.responder = newResponder;
    }

    /**
     * Closes the session publishing {@code stream} from the same host as {@code caller} if it has
     * been silent for {@link #STALE_MICROS}: the encoder lost it and reconnected. A publisher that
     * is still sending keeps its stream (the newcomer gets a conflict).
     */
    boolean releaseStale(String stream, InetSocketAddress caller) {
        long now = nowMicros.getAsLong();
        for (SrtSession session : new ArrayList<>(bySocket.values())) {
            if (session instanceof SrtReceiverSession && session.stream().equals(stream)
                    && session.peer().getAddress().equals(caller.getAddress())
                    && session.silentFor(now) >= STALE_MICROS) {
                session.close("replaced by a new connection from " + caller);
                remove(session);
                return true;
            }
        }
        return false;
    }

    /** Tells every publisher we are going and unpublishes their streams; on the event loop. */
    void shutdown() {
        closeAll("listener closing");
    }

    private int newSocketId() {
        int id;
        do {
            id = 1 + random.nextInt(0x3FFFFFFF);
        } while (bySocket.containsKey(id));
        return id;
    }

    private void tick() {
        long now = nowMicros.getAsLong();
        List<SrtSession> closed = null;
        for (SrtSession session : bySocket.values()) {
            try {
                session.tick(now);
            } catch (RuntimeException e) {
                log.error("SRT session {} failed; closing it", session.stream(), e);
                session.close("internal error");
            }
            if (session.isClosed()) {
                if (closed == null) {
                    closed = new ArrayList<>();
                }
                closed.add(session);
            }
        }
        if (closed != null) {
            closed.forEach(this::remove);
        }
    }

    private void remove(SrtSession session) {
        bySocket.remove(session.socketId());
        byCaller.remove(new CallerKey(session.peer(), session.peerSocketId()));
        published.remove(session.socketId());
    }

    private void closeAll(String why) {
        for (SrtSession session : new ArrayList<>(bySocket.values())) {
            session.close(why);
            remove(session);
        }
    }

    private void send(InetSocketAddress peer, SrtPacket packet) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new SrtEnvelope(peer, packet), channel.voidPromise());
        }
    }

    /** Snapshots of the live sessions; any thread. */
    List<SrtSessionStats> sessions() {
        List<SrtSessionStats> stats = new ArrayList<>();
        for (SrtReceiverSession session : published.values()) {
            stats.add(session.stats());
        }
        return stats;
    }

    /** Datagrams that matched no handshake or session. Event loop only. */
    long ignored() {
        return ignored;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket survives errors (ICMP port unreachable and the like): log, never close.
        log.debug("SRT listener error", cause);
    }
}
