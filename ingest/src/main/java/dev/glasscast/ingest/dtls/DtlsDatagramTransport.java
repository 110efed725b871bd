package dev.glasscast.ingest.dtls;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The bridge between a non-blocking UDP channel and bctls's blocking {@link DatagramTransport}:
 * the channel pushes each DTLS datagram in with {@link #offer(ByteBuf)}, which never blocks (a
 * full queue drops the datagram, as a full socket buffer would, and DTLS retransmits), and the
 * handshake thread takes them out in {@link #receive}. What bctls sends goes straight to the
 * {@code sender} callback on the handshake thread; the callback must not block either (writing
 * to a Netty channel does not).
 *
 * <p>Thread-safe between one offering thread and the one handshake thread. Buffer ownership:
 * {@link #offer} copies the readable bytes and leaves the buffer with the caller; the arrays
 * passed to {@code sender} are new and belong to the callee.
 */
public final class DtlsDatagramTransport implements DatagramTransport {

    /** Default queue capacity: a handshake flight is at most a handful of datagrams. */
    public static final int DEFAULT_QUEUE_CAPACITY = 64;

    /**
     * Default MTU for DTLS records: 1200 bytes of UDP payload fits any path with IPv6 and a
     * TURN relay on top, and is what browsers use for their DTLS flights.
     */
    public static final int DEFAULT_MTU = 1200;

    private final BlockingQueue<byte[]> received;
    private final Consumer<byte[]> sender;
    private final int mtu;
    private volatile boolean closed;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private long dropped;

    /**
     * @param queueCapacity datagrams held until the handshake thread reads them (default
     *                      {@value #DEFAULT_QUEUE_CAPACITY})
     * @param mtu           the largest datagram we send or accept (default {@value #DEFAULT_MTU})
     * @param sender        called with each datagram to send to the peer
     */
    public DtlsDatagramTransport(int queueCapacity, int mtu, Consumer<byte[]> sender) {
        if (queueCapacity < 1 || mtu < 256) {
            throw new IllegalArgumentException("queueCapacity must be positive and mtu at least 256");
        }
        this.received = new ArrayBlockingQueue<>(queueCapacity);
        this.sender = sender;
        this.mtu = mtu;
    }

    /**
     * Queues a copy of the readable bytes of {@code datagram} for the handshake thread. False
     * when it was dropped: closed, full, or larger than the MTU.
     */
    public boolean offer(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (closed || length > mtu) {
            return countDrop();
        }
        byte[] copy = new byte[length];
        datagram.getBytes(datagram.readerIndex(), copy);
        return received.offer(copy) || countDrop();
    }

    private synchronized boolean countDrop() {
        dropped++;
        return false;
    }

    /** Datagrams dropped by {@link #offer}. */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * After this instant ({@link System#nanoTime()}) {@link #receive} throws a timeout: the
     * handshake deadline, enforced here as well as in bctls because bctls only counts it once
     * the first ClientHello arrived. {@link Long#MAX_VALUE} for none.
     */
    void deadline(long nanos) {
        deadlineNanos = nanos;
    }

    @Override
    public int getReceiveLimit() {
        return mtu;
    }

    @Override
    public int getSendLimit() {
        // bctls subtracts its record overhead itself; this is the whole datagram.
        return mtu;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new org.bouncycastle.tls.TlsTimeoutException("DTLS handshake deadline passed");
        }
        byte[] datagram;
        try {
            datagram = received.poll(Math.min(TimeUnit.MILLISECONDS.toNanos(waitMillis), remaining), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS receive interrupted");
        }
        if (datagram == null) {
            if (closed) {
                throw new IOException("DTLS transport closed");
            }
            return -1;
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        if (len > mtu) {
            throw new IOException("DTLS datagram of " + len + " bytes exceeds the MTU of " + mtu);
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        sender.accept(copy);
    }

    @Override
    public void close() {
        closed = true;
        received.clear();
    }

    public boolean isClosed() {
        return closed;
    }
}
