package dev.glasscast.server.webrtc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between a browser and the daemon's WebRTC port that impairs the media the daemon
 * sends (SRTP, not STUN, DTLS or SRTCP) as a poor link would: it loses a fraction of it (what
 * NACK must repair), and it can be narrowed to a rate, queueing what exceeds it up to
 * {@link #MAX_QUEUE_NANOS} and dropping the rest, as a home router's buffer does (what rung
 * adaptation must notice). One socket faces both: datagrams from the daemon go to the browser,
 * everything else goes to the daemon, so the daemon sees the relay as the viewer.
 *
 * <p>The loss is drawn from a seeded {@link Random}, so a run loses the same packets each time.
 * Runs on two virtual threads (receive, and send when due) until {@link #close()}.
 */
final class ImpairedUdpRelay implements AutoCloseable {

    /** The longest a datagram waits in the narrowed link's queue before it is dropped instead. */
    static final long MAX_QUEUE_NANOS = 200_000_000L;

    private record Due(long atNanos, ByteBuffer datagram, SocketAddress to) {
    }

    private final DatagramChannel channel;
    private final InetSocketAddress daemon;
    private final double lossFraction;
    private final Random random = new Random(20261207);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong relayedMedia = new AtomicLong();
    private final AtomicLong relayedMediaBytes = new AtomicLong();
    private final BlockingQueue<Due> queue = new LinkedBlockingQueue<>();
    private final Thread receiver;
    private final Thread sender;
    private volatile SocketAddress browser;
    private volatile long bitsPerSecond;
    /** When the narrowed link is free again; the receiving thread's alone. */
    private long linkFreeAtNanos;

    ImpairedUdpRelay(InetSocketAddress daemon, double lossFraction) throws IOException {
        this.daemon = daemon;
        this.lossFraction = lossFraction;
        this.channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.receiver = Thread.ofVirtual().name("impaired-udp-relay").start(this::relay);
        this.sender = Thread.ofVirtual().name("impaired-udp-relay-send").start(this::sendWhenDue);
    }

    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Narrows the daemon-to-browser direction to {@code rate} bits per second; 0 lifts the limit. */
    void limitTo(long rate) {
        bitsPerSecond = rate;
    }

    /** SRTP packets from the daemon dropped so far (lost, or over the narrowed link's queue). */
    long dropped() {
        return dropped.get();
    }

    /** SRTP packets from the daemon passed on so far. */
    long relayedMedia() {
        return relayedMedia.get();
    }

    /** Bytes of the SRTP packets from the daemon passed on so far. */
    long relayedMediaBytes() {
        return relayedMediaBytes.get();
    }

    private void relay() {
        try {
            while (channel.isOpen()) {
                ByteBuffer buffer = ByteBuffer.allocate(2048);
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                if (from.equals(daemon)) {
                    SocketAddress to = browser;
                    if (to != null) {
                        fromDaemon(buffer, to);
                    }
                } else {
                    browser = from;
                    channel.send(buffer, daemon);
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void fromDaemon(ByteBuffer datagram, SocketAddress to) throws IOException {
        if (!isRtp(datagram)) {
            channel.send(datagram, to);
            return;
        }
        if (random.nextDouble() < lossFraction) {
            dropped.incrementAndGet();
            return;
        }
        long rate = bitsPerSecond;
        long now = System.nanoTime();
        if (rate <= 0) {
            count(datagram);
            channel.send(datagram, to);
            return;
        }
        long start = Math.max(now, linkFreeAtNanos);
        if (start - now > MAX_QUEUE_NANOS) {
            dropped.incrementAndGet();
            return;
        }
        linkFreeAtNanos = start + datagram.remaining() * 8L * 1_000_000_000L / rate;
        count(datagram);
        queue.add(new Due(linkFreeAtNanos, datagram, to));
    }

    private void count(ByteBuffer datagram) {
        relayedMedia.incrementAndGet();
        relayedMediaBytes.addAndGet(datagram.remaining());
    }

    private void sendWhenDue() {
        try {
            while (channel.isOpen()) {
                Due due = queue.poll(100, TimeUnit.MILLISECONDS);
                if (due == null) {
                    continue;
                }
                long wait = due.atNanos() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                channel.send(due.datagram(), due.to());
            }
        } catch (InterruptedException | IOException e) {
            // closed
        }
    }

    /** RFC 7983 and RFC 5761: first byte 128..191, and a payload type outside RTCP's 64..95. */
    private static boolean isRtp(ByteBuffer datagram) {
        if (datagram.remaining() < 12) {
            return false;
        }
        int first = datagram.get(0) & 0xFF;
        int payloadType = datagram.get(1) & 0x7F;
        return first >= 128 && first <= 191 && (payloadType < 64 || payloadType > 95);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        receiver.interrupt();
        sender.interrupt();
    }
}
