package dev.glasscast.server.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback relay between a publisher and the daemon that plays a network hiccup: from
 * {@code after} past the publisher's first byte it holds everything the publisher sends for
 * {@code hold}, then releases it at once, so the daemon receives that much media in one burst.
 * The daemon's answers (RTMP acknowledgements, SRT ACKs) pass straight through. One publisher
 * per relay; closing it closes everything it opened.
 */
final class BurstRelay implements AutoCloseable {

    private record Chunk(long arrivedNanos, byte[] bytes) {
    }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final AutoCloseable[] resources;
    private final int port;
    private final long afterNanos;
    private final long holdNanos;
    private final AtomicLong held = new AtomicLong();
    private final LinkedBlockingQueue<Chunk> upstream = new LinkedBlockingQueue<>();
    private volatile long firstByteNanos;
    private volatile boolean closed;

    private BurstRelay(int port, Duration after, Duration hold, AutoCloseable... resources) {
        this.port = port;
        this.afterNanos = after.toNanos();
        this.holdNanos = hold.toNanos();
        this.resources = resources;
    }

    /** For RTMP: a TCP relay to {@code 127.0.0.1:daemonPort}. */
    static BurstRelay tcp(int daemonPort, Duration after, Duration hold) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
        BurstRelay relay = new BurstRelay(listener.getLocalPort(), after, hold, listener);
        Thread.ofPlatform().daemon().name("burst-relay-accept").start(() -> {
            try (Socket publisher = listener.accept(); Socket daemon = new Socket(LOOPBACK, daemonPort)) {
                publisher.setTcpNoDelay(true);
                daemon.setTcpNoDelay(true);
                OutputStream toDaemon = daemon.getOutputStream();
                InputStream fromDaemon = daemon.getInputStream();
                OutputStream toPublisher = publisher.getOutputStream();
                Thread sender = Thread.ofPlatform().daemon().name("burst-relay-send")
                        .start(() -> relay.forward(bytes -> toDaemon.write(bytes)));
                Thread back = Thread.ofPlatform().daemon().name("burst-relay-back")
                        .start(() -> copy(fromDaemon, toPublisher));
                relay.receive(publisher.getInputStream());
                sender.join(5_000);
                back.join(5_000);
            } catch (Exception e) {
                // The publisher or the daemon closed: the relay has nothing left to do.
            }
        });
        return relay;
    }

    /** For SRT: a UDP relay to {@code 127.0.0.1:daemonPort}; the publisher's address is learnt from its first datagram. */
    static BurstRelay udp(int daemonPort, Duration after, Duration hold) throws IOException {
        DatagramSocket publisherSide = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket daemonSide = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        daemonSide.connect(new InetSocketAddress(LOOPBACK, daemonPort));
        BurstRelay relay = new BurstRelay(publisherSide.getLocalPort(), after, hold, publisherSide, daemonSide);
        SocketAddress[] publisher = new SocketAddress[1];
        Thread.ofPlatform().daemon().name("burst-relay-receive").start(() -> {
            byte[] buffer = new byte[2048];
            while (!relay.closed) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    publisherSide.receive(packet);
                } catch (IOException e) {
                    return;
                }
                publisher[0] = packet.getSocketAddress();
                relay.accept(Arrays.copyOf(packet.getData(), packet.getLength()));
            }
        });
        Thread.ofPlatform().daemon().name("burst-relay-send").start(() -> relay.forward(bytes -> daemonSide.send(
                new DatagramPacket(bytes, bytes.length))));
        Thread.ofPlatform().daemon().name("burst-relay-back").start(() -> {
            byte[] buffer = new byte[2048];
            while (!relay.closed) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    daemonSide.receive(packet);
                    publisherSide.send(new DatagramPacket(packet.getData(), packet.getLength(), publisher[0]));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return relay;
    }

    int port() {
        return port;
    }

    /** Bytes that were held back and released in the burst. */
    long held() {
        return held.get();
    }

    private void receive(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            accept(Arrays.copyOf(buffer, n));
        }
        closed = true;
    }

    private void accept(byte[] bytes) {
        long now = System.nanoTime();
        if (firstByteNanos == 0) {
            firstByteNanos = now;
        }
        upstream.add(new Chunk(now, bytes));
    }

    private interface Sink {
        void write(byte[] bytes) throws IOException;
    }

    /** Sends what the publisher sent in order; what arrives during the hiccup waits for its end. */
    private void forward(Sink sink) {
        try {
            while (!closed || !upstream.isEmpty()) {
                Chunk chunk = upstream.poll(100, TimeUnit.MILLISECONDS);
                if (chunk == null) {
                    continue;
                }
                long holdStart = firstByteNanos + afterNanos;
                long holdEnd = holdStart + holdNanos;
                if (chunk.arrivedNanos() >= holdStart && chunk.arrivedNanos() < holdEnd) {
                    held.addAndGet(chunk.bytes().length);
                    long wait = holdEnd - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                sink.write(chunk.bytes());
            }
        } catch (IOException | InterruptedException e) {
            // The connection went away: nothing more to forward.
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // Either side closed.
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
