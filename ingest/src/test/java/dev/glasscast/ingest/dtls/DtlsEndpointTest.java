package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpProfile;
import dev.glasscast.ingest.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A bctls client endpoint and our server endpoint over a real loopback UDP pair. */
class DtlsEndpointTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate(RANDOM, DtlsCertificate.DEFAULT_VALIDITY);
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate(RANDOM, DtlsCertificate.DEFAULT_VALIDITY);

    private DatagramChannel serverSocket;
    private DatagramChannel clientSocket;
    private Thread serverPump;
    private Thread clientPump;

    /** One side: its socket feeds its endpoint from a reader thread, as the Netty channel will. */
    private record Side(DtlsEndpoint endpoint, DtlsDatagramTransport transport) {
    }

    @BeforeEach
    void sockets() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        serverSocket = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        clientSocket = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        serverSocket.connect(clientSocket.getLocalAddress());
        clientSocket.connect(serverSocket.getLocalAddress());
    }

    @AfterEach
    void closeSockets() throws Exception {
        serverSocket.close();
        clientSocket.close();
        for (Thread pump : new Thread[] {serverPump, clientPump}) {
            if (pump != null) {
                pump.join(2000);
            }
        }
    }

    private Side side(DatagramChannel socket, DtlsRole role, DtlsCertificate ours, SdpFingerprint theirs,
                      List<SrtpProfile> profiles, Duration timeout) {
        DtlsDatagramTransport transport = new DtlsDatagramTransport(DtlsDatagramTransport.DEFAULT_QUEUE_CAPACITY,
                DtlsDatagramTransport.DEFAULT_MTU, datagram -> {
                    try {
                        socket.write(ByteBuffer.wrap(datagram));
                    } catch (IOException e) {
                        // The test closed the socket; DTLS sees a lost datagram.
                    }
                });
        DtlsEndpoint endpoint = new DtlsEndpoint(role, ours, theirs, profiles, timeout, transport, RANDOM);
        Thread pump = Thread.ofPlatform().daemon().name("udp-" + role).start(() -> pump(socket, endpoint));
        if (role == DtlsRole.SERVER) {
            serverPump = pump;
        } else {
            clientPump = pump;
        }
        return new Side(endpoint, transport);
    }

    /** Reads datagrams into pooled buffers and offers them, releasing each as the UDP handler will. */
    private static void pump(DatagramChannel socket, DtlsEndpoint endpoint) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        while (socket.isOpen()) {
            try {
                buffer.clear();
                socket.receive(buffer);
                buffer.flip();
                ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(buffer.remaining());
                try {
                    datagram.writeBytes(buffer);
                    endpoint.offer(datagram);
                } finally {
                    datagram.release();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private Side server(SdpFingerprint expectedClient) {
        return side(serverSocket, DtlsRole.SERVER, SERVER_CERT, expectedClient, DtlsEndpoint.DEFAULT_PROFILES,
                Duration.ofSeconds(20));
    }

    private Side client(SdpFingerprint expectedServer, List<SrtpProfile> profiles) {
        return side(clientSocket, DtlsRole.CLIENT, CLIENT_CERT, expectedServer, profiles, Duration.ofSeconds(20));
    }

    @Test
    void handshakeAgreesOnGcmAndOnTheKeysBothWays() throws Exception {
        Side server = server(CLIENT_CERT.fingerprint());
        Side client = client(SERVER_CERT.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES);
        server.endpoint().start();
        client.endpoint().start();
        DtlsSrtpKeys serverKeys = server.endpoint().keys().get(30, TimeUnit.SECONDS);
        DtlsSrtpKeys clientKeys = client.endpoint().keys().get(30, TimeUnit.SECONDS);

        assertEquals(DtlsEndpointState.CONNECTED, server.endpoint().state());
        assertEquals(DtlsEndpointState.CONNECTED, client.endpoint().state());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, serverKeys.profile());
        assertEquals(serverKeys.profile(), clientKeys.profile());
        assertArrayEquals(clientKeys.clientKey(), serverKeys.clientKey());
        assertArrayEquals(clientKeys.clientSalt(), serverKeys.clientSalt());
        assertArrayEquals(clientKeys.serverKey(), serverKeys.serverKey());
        assertArrayEquals(clientKeys.serverSalt(), serverKeys.serverSalt());
        assertEquals(false, java.util.Arrays.equals(serverKeys.clientKey(), serverKeys.serverKey()));

        // What the client protects with its write key, the server opens with its read key.
        SrtpContext clientSend = clientKeys.sendContext(DtlsRole.CLIENT, SrtpContext.DEFAULT_MAX_SSRCS);
        SrtpContext serverReceive = serverKeys.receiveContext(DtlsRole.SERVER, SrtpContext.DEFAULT_MAX_SSRCS);
        byte[] rtp = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4};
        byte[] srtp = assertInstanceOf(SrtpResult.Packet.class, clientSend.protectRtp(rtp, 0, rtp.length)).packet();
        assertArrayEquals(rtp, assertInstanceOf(SrtpResult.Packet.class, serverReceive.unprotectRtp(srtp, 0, srtp.length)).packet());

        client.endpoint().close();
        server.endpoint().close();
        assertTrue(client.endpoint().awaitTermination(Duration.ofSeconds(5)));
        assertTrue(server.endpoint().awaitTermination(Duration.ofSeconds(5)));
        assertEquals(DtlsEndpointState.CLOSED, server.endpoint().state());
    }

    @Test
    void thePeersCloseNotifyClosesTheServer() throws Exception {
        Side server = server(CLIENT_CERT.fingerprint());
        Side client = client(SERVER_CERT.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES);
        server.endpoint().start();
        client.endpoint().start();
        server.endpoint().keys().get(30, TimeUnit.SECONDS);
        client.endpoint().keys().get(30, TimeUnit.SECONDS);
        client.endpoint().close();
        assertTrue(server.endpoint().awaitTermination(Duration.ofSeconds(10)), "the server thread ends on close_notify");
        assertEquals(DtlsEndpointState.CLOSED, server.endpoint().state());
    }

    @Test
    void theServerTakesAesCmWhenThatIsAllTheClientOffers() throws Exception {
        Side server = server(CLIENT_CERT.fingerprint());
        Side client = client(SERVER_CERT.fingerprint(), List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80));
        server.endpoint().start();
        client.endpoint().start();
        DtlsSrtpKeys serverKeys = server.endpoint().keys().get(30, TimeUnit.SECONDS);
        DtlsSrtpKeys clientKeys = client.endpoint().keys().get(30, TimeUnit.SECONDS);
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, serverKeys.profile());
        assertEquals(14, serverKeys.serverSalt().length);
        assertArrayEquals(clientKeys.serverKey(), serverKeys.serverKey());
        client.endpoint().close();
        server.endpoint().close();
    }

    @Test
    void theServerRefusesAClientWhoseCertificateIsNotTheOfferedOne() throws Exception {
        DtlsCertificate stranger = DtlsCertificate.generate(RANDOM, DtlsCertificate.DEFAULT_VALIDITY);
        Side server = server(stranger.fingerprint());
        Side client = client(SERVER_CERT.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES);
        server.endpoint().start();
        client.endpoint().start();
        assertThrows(ExecutionException.class, () -> server.endpoint().keys().get(30, TimeUnit.SECONDS));
        assertThrows(ExecutionException.class, () -> client.endpoint().keys().get(30, TimeUnit.SECONDS));
        assertEquals(DtlsEndpointState.FAILED, server.endpoint().state());
        assertEquals(DtlsEndpointState.FAILED, client.endpoint().state());
    }

    @Test
    void theClientRefusesAServerWhoseCertificateIsNotTheAnsweredOne() throws Exception {
        DtlsCertificate stranger = DtlsCertificate.generate(RANDOM, DtlsCertificate.DEFAULT_VALIDITY);
        Side server = server(CLIENT_CERT.fingerprint());
        Side client = client(stranger.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES);
        server.endpoint().start();
        client.endpoint().start();
        assertThrows(ExecutionException.class, () -> client.endpoint().keys().get(30, TimeUnit.SECONDS));
        assertEquals(DtlsEndpointState.FAILED, client.endpoint().state());
        server.endpoint().close();
    }

    @Test
    void noCommonSrtpProfileFailsTheHandshake() throws Exception {
        Side server = side(serverSocket, DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint(),
                List.of(SrtpProfile.AEAD_AES_128_GCM), Duration.ofSeconds(20));
        Side client = client(SERVER_CERT.fingerprint(), List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80));
        server.endpoint().start();
        client.endpoint().start();
        assertThrows(ExecutionException.class, () -> server.endpoint().keys().get(30, TimeUnit.SECONDS));
        assertThrows(ExecutionException.class, () -> client.endpoint().keys().get(30, TimeUnit.SECONDS));
        assertEquals(DtlsEndpointState.FAILED, server.endpoint().state());
    }

    @Test
    void aServerThatHearsNothingFailsAtItsDeadline() throws Exception {
        Side server = side(serverSocket, DtlsRole.SERVER, SERVER_CERT, CLIENT_CERT.fingerprint(),
                DtlsEndpoint.DEFAULT_PROFILES, Duration.ofMillis(300));
        server.endpoint().start();
        assertThrows(ExecutionException.class, () -> server.endpoint().keys().get(10, TimeUnit.SECONDS));
        assertEquals(DtlsEndpointState.FAILED, server.endpoint().state());
        assertTrue(server.endpoint().awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void closingDuringTheHandshakeEndsTheThread() throws Exception {
        Side server = server(CLIENT_CERT.fingerprint());
        server.endpoint().start();
        server.endpoint().close();
        assertTrue(server.endpoint().awaitTermination(Duration.ofSeconds(5)));
        assertEquals(DtlsEndpointState.CLOSED, server.endpoint().state());
        assertThrows(ExecutionException.class, () -> server.endpoint().keys().get(1, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> server.endpoint().start());
    }
}
