package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener's port is open to anyone: garbage, broken handshakes and floods must not hurt it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SrtHostileInputTest {

    private static byte[] wire(SrtPacket packet) {
        ByteBuf buf = SrtPacketEncoder.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, packet);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] induction(int socketId) {
        SrtHandshakeMessage hs = new SrtHandshakeMessage(4, 0, 2, 1000, 1500, 8192, SrtHandshakeMessage.TYPE_INDUCTION,
                socketId, 0, new byte[16], List.of());
        return wire(SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, 0, hs.toBytes()));
    }

    static byte[] conclusion(int socketId, int cookie, String streamId) {
        SrtHandshakeExtension hsreq = new SrtHandshakeExtension(0x010504, 0xBF & ~SrtHandshakeExtension.FLAG_CRYPT, 120, 120);
        List<SrtHandshakeMessage.Extension> extensions = new ArrayList<>();
        extensions.add(new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_HSREQ, hsreq.toBytes()));
        if (streamId != null) {
            extensions.add(new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_SID,
                    SrtHandshakeMessage.encodeStreamId(streamId)));
        }
        SrtHandshakeMessage hs = new SrtHandshakeMessage(5, 0, SrtHandshakeMessage.FLAG_HSREQ | SrtHandshakeMessage.FLAG_CONFIG,
                1000, 1500, 8192, SrtHandshakeMessage.TYPE_CONCLUSION, socketId, cookie, new byte[16], extensions);
        return wire(SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, 0, hs.toBytes()));
    }

    static SrtHandshakeMessage exchange(DatagramSocket socket, int port, byte[] request) throws Exception {
        socket.send(new DatagramPacket(request, request.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        byte[] buffer = new byte[1500];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        while (true) {
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return null;
            }
            SrtPacket packet = SrtPacketDecoder.decode(Unpooled.wrappedBuffer(buffer, 0, reply.getLength()));
            if (packet instanceof SrtControlPacket control && control.type() == SrtControlType.HANDSHAKE) {
                return SrtHandshakeMessage.parse(control.body());
            }
        }
    }

    @Test
    void garbageTruncatedHandshakesAndFloods() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null, Duration.ofSeconds(1), 8);
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(500);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port);
            Random random = new Random(3);

            // Random datagrams, some with a plausible control header.
            for (int i = 0; i < 3000; i++) {
                byte[] junk = new byte[random.nextInt(200)];
                random.nextBytes(junk);
                if (junk.length > 16 && random.nextBoolean()) {
                    junk[0] = (byte) 0x80;
                    junk[1] = (byte) random.nextInt(9);
                    Arrays.fill(junk, 12, 16, (byte) 0);
                }
                socket.send(new DatagramPacket(junk, junk.length, target));
            }
            // Every truncation of a conclusion (with a valid cookie and key), and a bad cookie.
            SrtHandshakeMessage answer = exchange(socket, server.port, induction(77));
            assertNotNull(answer, "the listener still answers after the garbage");
            assertEquals(SrtHandshakeMessage.SRT_MAGIC, answer.extensionField());
            byte[] good = conclusion(77, answer.cookie(), SrtTestServer.LIVE_KEY);
            for (int length = 0; length < good.length; length++) {
                socket.send(new DatagramPacket(good, length, target));
            }
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                stranger.setSoTimeout(300);
                assertEquals(null, exchange(stranger, server.port, conclusion(78, answer.cookie(), SrtTestServer.LIVE_KEY)),
                        "another address's cookie gets no answer");
            }
            assertTrue(server.listener.sessions().isEmpty());

            // A flood from many source ports: inductions cost nothing; valid conclusions stop at the limit.
            List<DatagramSocket> callers = new ArrayList<>();
            int accepted = 0;
            int backlog = 0;
            try {
                for (int i = 0; i < 40; i++) {
                    DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    caller.setSoTimeout(1000);
                    callers.add(caller);
                    SrtHandshakeMessage induced = exchange(caller, server.port, induction(1000 + i));
                    String key = i % 2 == 0 ? SrtTestServer.LIVE_KEY : "#!::r=flood" + i + ",k=nope";
                    SrtHandshakeMessage reply = exchange(caller, server.port, conclusion(1000 + i, induced.cookie(), key));
                    if (reply.type() == SrtHandshakeMessage.TYPE_CONCLUSION) {
                        accepted++;
                    } else if (reply.type() == SrtRejectReason.BACKLOG.handshakeType()) {
                        backlog++;
                    } else {
                        assertTrue(reply.type() == SrtRejectReason.CONFLICT.handshakeType()
                                || reply.type() == SrtRejectReason.UNAUTHORIZED.handshakeType(), "type " + reply.type());
                    }
                }
            } finally {
                callers.forEach(DatagramSocket::close);
            }
            // The stream has one publisher at any time: later callers from this host either conflict or,
            // once the silent first session counts as stale, take it over.
            assertTrue(accepted >= 1, "accepted " + accepted);
            assertEquals(0, backlog);
            assertEquals(1, server.listener.sessions().size());
            // The silent publisher times out and frees the stream.
            HubRecorder.Recording recording = server.recorder.await("live", 1);
            assertTrue(recording.awaitUnpublished(5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!server.listener.sessions().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(server.listener.sessions().isEmpty());
        }
    }

    @Test
    void aReconnectFromTheSameHostTakesOverASilentSession() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null, Duration.ofSeconds(30));
             DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            first.setSoTimeout(1000);
            second.setSoTimeout(1000);
            SrtHandshakeMessage a = exchange(first, server.port, induction(1));
            assertEquals(SrtHandshakeMessage.TYPE_CONCLUSION,
                    exchange(first, server.port, conclusion(1, a.cookie(), SrtTestServer.LIVE_KEY)).type());
            int firstSocket = server.listener.sessions().isEmpty() ? 0 : 1;
            Thread.sleep(SrtListenerHandler.STALE_MICROS / 1000 + 200);
            SrtHandshakeMessage b = exchange(second, server.port, induction(2));
            SrtHandshakeMessage taken = exchange(second, server.port, conclusion(2, b.cookie(), SrtTestServer.LIVE_KEY));
            assertEquals(SrtHandshakeMessage.TYPE_CONCLUSION, taken.type());
            List<SrtSessionStats> sessions = server.listener.sessions();
            assertEquals(1, sessions.size());
            assertEquals(taken.socketId(), sessions.getFirst().socketId());
            assertEquals(1, firstSocket);
        }
    }

    @Test
    void sessionLimitRejectsWithBacklog() throws Exception {
        try (SrtTestServer server = new SrtTestServer(null, Duration.ofSeconds(5), 1);
             DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            first.setSoTimeout(1000);
            second.setSoTimeout(1000);
            SrtHandshakeMessage a = exchange(first, server.port, induction(1));
            assertEquals(SrtHandshakeMessage.TYPE_CONCLUSION,
                    exchange(first, server.port, conclusion(1, a.cookie(), SrtTestServer.LIVE_KEY)).type());
            // The same conclusion again is answered from the session, not a second publish.
            assertEquals(SrtHandshakeMessage.TYPE_CONCLUSION,
                    exchange(first, server.port, conclusion(1, a.cookie(), SrtTestServer.LIVE_KEY)).type());
            SrtHandshakeMessage b = exchange(second, server.port, induction(2));
            assertEquals(SrtRejectReason.BACKLOG.handshakeType(),
                    exchange(second, server.port, conclusion(2, b.cookie(), SrtTestServer.SECOND_KEY)).type());
        }
    }
}
