package dev.glasscast.server.webrtc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between a browser and the daemon's WebRTC port that loses a fraction of the media
 * the daemon sends (SRTP, not STUN, DTLS or SRTCP), as a lossy Wi-Fi link would: what NACK must
 * repair. One socket faces both: datagrams from the daemon go to the browser, everything else
 * goes to the daemon, so the daemon sees the relay as the viewer.
 *
 * <p>The loss is drawn from a seeded {@link Random}, so a run loses the same packets each time.
 * Runs on one virtual thread until {@link #close()}.
 */
final class LossyUdpProxy implements AutoCloseable {

    private final DatagramChannel channel;
    private final InetSocketAddress daemon;
    private final double lossFraction;
    private final Random random = new Random(20261207);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong relayedMedia = new AtomicLong();
    private final Thread thread;
    private volatile SocketAddress browser;

    LossyUdpProxy(InetSocketAddress daemon, double lossFraction) throws IOException {
        this.daemon = daemon;
        this.lossFraction = lossFraction;
        this.channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.thread = Thread.ofVirtual().name("lossy-udp-proxy").start(this::relay);
    }

    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** SRTP packets from the daemon dropped so far. */
    long dropped() {
        return dropped.get();
    }

    /** SRTP packets from the daemon passed on so far. */
    long relayedMedia() {
        return relayedMedia.get();
    }

    private void relay() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (channel.isOpen()) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                if (from.equals(daemon)) {
                    SocketAddress to = browser;
                    if (to == null) {
                        continue;
                    }
                    if (isRtp(buffer)) {
                        if (random.nextDouble() < lossFraction) {
                            dropped.incrementAndGet();
                            continue;
                        }
                        relayedMedia.incrementAndGet();
                    }
                    channel.send(buffer, to);
                } else {
                    browser = from;
                    channel.send(buffer, daemon);
                }
            }
        } catch (IOException e) {
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
        thread.interrupt();
    }
}
