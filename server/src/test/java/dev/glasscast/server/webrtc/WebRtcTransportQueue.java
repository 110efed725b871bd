package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.stun.StunDemultiplexer;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link WebRtcTransport} that only keeps what reached it, for the tests of the UDP port's
 * routing: the newest datagrams in a bounded queue, what does not fit dropped and counted.
 *
 * <p>Thread-safe (one lock, held only to add or remove). Buffer ownership: queued datagrams are
 * this queue's until {@link #poll()} hands one to the caller, who then releases it; those
 * dropped or still queued at {@link #close()} are released here.
 */
public final class WebRtcTransportQueue implements WebRtcTransport {

    /** One datagram kept. */
    public record Queued(StunDemultiplexer.PacketKind kind, ByteBuf datagram, InetSocketAddress sender) {
    }

    private final int capacity;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private boolean closed;

    /** @param capacity the most datagrams kept; one more is dropped and counted */
    public WebRtcTransportQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void datagram(StunDemultiplexer.PacketKind kind, ByteBuf datagram, InetSocketAddress sender) {
        synchronized (queue) {
            if (!closed && queue.size() < capacity) {
                queue.add(new Queued(kind, datagram, sender));
                return;
            }
        }
        dropped.incrementAndGet();
        datagram.release();
    }

    /** The oldest datagram kept, now the caller's, or null. */
    public Queued poll() {
        synchronized (queue) {
            return queue.poll();
        }
    }

    public int size() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Datagrams dropped because the queue was full or closed. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            for (Queued q : queue) {
                q.datagram().release();
            }
            queue.clear();
        }
    }
}
