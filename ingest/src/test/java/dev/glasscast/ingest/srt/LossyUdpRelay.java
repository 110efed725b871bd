package dev.glasscast.ingest.srt;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * A loopback UDP relay between one caller and a server that drops datagrams in both directions
 * as a predicate of the time since start decides (a seeded random per direction).
 */
final class LossyUdpRelay implements AutoCloseable {

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress server;
    private volatile SocketAddress caller;
    /** The loss schedule starts with the caller's first datagram, not when the relay was built. */
    private volatile long start;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong relayed = new AtomicLong();

    /** @param lossPercent loss in percent given the milliseconds since start */
    LossyUdpRelay(int serverPort, java.util.function.LongToIntFunction lossPercent) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        front = new DatagramSocket(new InetSocketAddress(loopback, 0));
        back = new DatagramSocket(new InetSocketAddress(loopback, 0));
        server = new InetSocketAddress(loopback, serverPort);
        Random upstream = new Random(11);
        Random downstream = new Random(13);
        Thread.ofPlatform().daemon().name("relay-up").start(() -> pump(front, back, true,
                millis -> upstream.nextInt(100) < lossPercent.applyAsInt(millis)));
        Thread.ofPlatform().daemon().name("relay-down").start(() -> pump(back, front, false,
                millis -> downstream.nextInt(100) < lossPercent.applyAsInt(millis)));
    }

    int port() {
        return front.getLocalPort();
    }

    private void pump(DatagramSocket from, DatagramSocket to, boolean towardsServer, LongPredicate drop) {
        byte[] buffer = new byte[2048];
        while (!from.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                from.receive(packet);
                if (towardsServer) {
                    if (caller == null) {
                        start = System.nanoTime();
                    }
                    caller = packet.getSocketAddress();
                }
                SocketAddress target = towardsServer ? server : caller;
                if (target == null) {
                    continue;
                }
                if (drop.test((System.nanoTime() - start) / 1_000_000)) {
                    dropped.incrementAndGet();
                    continue;
                }
                relayed.incrementAndGet();
                to.send(new DatagramPacket(buffer, packet.getLength(), target));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}
