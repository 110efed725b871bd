package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.stun.StunAttribute;
import dev.glasscast.ingest.stun.StunBindingResponder;
import dev.glasscast.ingest.stun.StunDemultiplexer;
import dev.glasscast.ingest.stun.StunMessage;
import dev.glasscast.ingest.stun.StunMessageClass;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunMessageEncoder;
import dev.glasscast.ingest.stun.StunMessageIntegrity;
import dev.glasscast.ingest.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebRTC UDP port on loopback, spoken to by a plain {@link DatagramChannel} with STUN
 * requests built by the stun package's encoder, as a browser's ICE agent would send them.
 */
class WebRtcUdpListenerTest {

    private static final String LOCAL_UFRAG = "gcUfrag1";
    private static final String LOCAL_PWD = "glasscast-test-password-0123";
    private static final String REMOTE_UFRAG = "yT3d";

    private EventLoopGroup group;
    private WebRtcSessions sessions;
    private WebRtcUdpListener listener;
    private WebRtcTransportQueue transport;
    private WebRtcSession session;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private InetSocketAddress port;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        sessions = new WebRtcSessions(10, WebRtcSessions.CONSENT_TIMEOUT);
        transport = new WebRtcTransportQueue(4);
        session = new WebRtcSession("session-1", "main", LOCAL_UFRAG, new StunBindingResponder(LOCAL_UFRAG, LOCAL_PWD,
                REMOTE_UFRAG, new StunMessageDecoder(), new StunMessageEncoder()), transport, now.get());
        assertTrue(sessions.add(session));
        listener = new WebRtcUdpListener("127.0.0.1", 0, sessions, new StunMessageDecoder(), group,
                Duration.ofMillis(50), now::get);
        port = new InetSocketAddress("127.0.0.1", listener.start());
    }

    @AfterEach
    void stop() {
        listener.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aBindingRequestWithTheRightCredentialsIsAnsweredWithTheSendersAddressAndBindsIt() throws Exception {
        try (DatagramChannel browser = client()) {
            StunMessage response = exchange(browser, request(LOCAL_UFRAG + ":" + REMOTE_UFRAG, LOCAL_PWD, true));
            assertNotNull(response);
            assertEquals(StunMessageClass.SUCCESS_RESPONSE, response.messageClass());
            assertEquals(StunMethod.BINDING, response.method());
            InetSocketAddress mapped = response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address();
            assertEquals(browser.getLocalAddress(), mapped);
            assertTrue(response.has(StunAttribute.MessageIntegrity.class));
            assertEquals(WebRtcSession.State.CONNECTED, session.state());
            assertEquals(browser.getLocalAddress(), session.remote());
            assertEquals(1, listener.counters().stunAnswered());

            // From the bound address, DTLS (first byte 22) and RTCP reach the session's transport.
            browser.send(ByteBuffer.wrap(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0}), port);
            browser.send(ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 200, 0, 1, 0, 0, 0, 1}), port);
            waitFor(() -> transport.size() == 2);
            WebRtcTransportQueue.Queued dtls = transport.poll();
            assertEquals(StunDemultiplexer.PacketKind.DTLS, dtls.kind());
            assertEquals(browser.getLocalAddress(), dtls.sender());
            dtls.datagram().release();
            WebRtcTransportQueue.Queued rtcp = transport.poll();
            assertEquals(StunDemultiplexer.PacketKind.RTCP, rtcp.kind());
            rtcp.datagram().release();
        }
    }

    @Test
    void aWrongPasswordIsAnswered401AndBindsNothing() throws Exception {
        try (DatagramChannel browser = client()) {
            StunMessage response = exchange(browser, request(LOCAL_UFRAG + ":" + REMOTE_UFRAG, "not-the-password-0123456", true));
            assertNotNull(response);
            assertEquals(StunMessageClass.ERROR_RESPONSE, response.messageClass());
            assertEquals(401, response.attribute(StunAttribute.ErrorCode.class).orElseThrow().code());
            assertEquals(WebRtcSession.State.CHECKING, session.state());
            assertNull(session.remote());
            assertEquals(1, listener.counters().stunRefused());
        }
    }

    @Test
    void anUnknownUfragAndDatagramsFromUnboundAddressesAreDroppedAndCounted() throws Exception {
        try (DatagramChannel stranger = client()) {
            assertNull(exchange(stranger, request("nobody00:" + REMOTE_UFRAG, LOCAL_PWD, true)));
            assertEquals(1, listener.counters().unknownUfrag());
            stranger.send(ByteBuffer.wrap(new byte[] {22, (byte) 0xfe, (byte) 0xfd}), port);
            stranger.send(ByteBuffer.wrap(new byte[] {(byte) 0x80, 96, 0, 1}), port);
            stranger.send(ByteBuffer.wrap(new byte[] {(byte) 0xff}), port);
            waitFor(() -> listener.counters().unknownAddress() == 3);
            assertEquals(0, transport.size());
            assertEquals(0, listener.counters().stunAnswered());
        }
    }

    @Test
    void aCheckWithoutUseCandidateIsConsentButBindsNoAddress() throws Exception {
        try (DatagramChannel browser = client()) {
            now.addAndGet(Duration.ofSeconds(20).toNanos());
            StunMessage response = exchange(browser, request(LOCAL_UFRAG + ":" + REMOTE_UFRAG, LOCAL_PWD, false));
            assertEquals(StunMessageClass.SUCCESS_RESPONSE, response.messageClass());
            assertEquals(now.get(), session.lastConsentNanos());
            assertEquals(WebRtcSession.State.CHECKING, session.state());
        }
    }

    @Test
    void aSessionWithoutConsentFor30SecondsIsReaped() throws Exception {
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        Thread.sleep(200);
        assertEquals(1, sessions.size());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        waitFor(() -> sessions.size() == 0);
        assertEquals(WebRtcSession.State.CLOSED, session.state());
        assertEquals(1, listener.counters().sessionsExpired());
        try (DatagramChannel browser = client()) {
            assertNull(exchange(browser, request(LOCAL_UFRAG + ":" + REMOTE_UFRAG, LOCAL_PWD, true)));
        }
    }

    private DatagramChannel client() throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.socket().setSoTimeout(500);
        return channel;
    }

    /** A browser's ICE check: USERNAME, PRIORITY, ICE-CONTROLLING, maybe USE-CANDIDATE; integrity and fingerprint. */
    private static byte[] request(String username, String password, boolean useCandidate) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_SIZE];
        ThreadLocalRandom.current().nextBytes(transactionId);
        List<StunAttribute> attributes = new java.util.ArrayList<>(List.of(new StunAttribute.Username(username),
                new StunAttribute.Priority(1_845_501_695L), new StunAttribute.IceControlling(0x1234_5678_9abcL)));
        if (useCandidate) {
            attributes.add(new StunAttribute.UseCandidate());
        }
        StunMessage message = new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, transactionId, attributes);
        ByteBuf wire = new StunMessageEncoder().encode(UnpooledByteBufAllocator.DEFAULT, message,
                StunMessageIntegrity.shortTermKey(password), true);
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
        }
    }

    /** Sends {@code request} and returns the decoded answer, or null when none comes within 500 ms. */
    private StunMessage exchange(DatagramChannel channel, byte[] request) throws Exception {
        channel.send(ByteBuffer.wrap(request), port);
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        try {
            channel.socket().receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new StunMessageDecoder().decode(Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()));
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "condition not met within 5 s");
            Thread.sleep(10);
        }
    }
}
