package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtmpHandshakeHandlerTest {

    private static final int SIZE = 1536;
    // Written out here rather than taken from the production class, so the test checks the constants.
    private static final byte[] PLAYER_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_TAIL = HexFormat.of().parseHex("f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");

    @Test
    void plainHandshakeEchoesC1AndPassesTheRestOn() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpHandshakeHandler());
        byte[] c1 = randomPacket(1);
        Arrays.fill(c1, 4, 8, (byte) 0);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}, c1));

        byte[] response = readAll(channel);
        assertEquals(1 + 2 * SIZE, response.length);
        assertEquals(3, response[0]);
        assertArrayEquals(c1, Arrays.copyOfRange(response, 1 + SIZE, 1 + 2 * SIZE), "S2 echoes C1");

        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(response, 1, 1 + SIZE), new byte[] {7, 8, 9}));
        assertNull(channel.pipeline().get(RtmpHandshakeHandler.class), "handler removed after C2");
        ByteBuf rest = channel.readInbound();
        assertArrayEquals(new byte[] {7, 8, 9}, ByteBufUtil.getBytes(rest));
        rest.release();
        assertTrue(channel.isActive());
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void digestHandshakeSignsS1AndS2(int schema) throws Exception {
        RtmpHandshakeHandler handler = new RtmpHandshakeHandler();
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        byte[] c1 = randomPacket(2 + schema);
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        int c1DigestAt = digestOffset(c1, schema);
        byte[] c1Digest = digestSkipping(c1, c1DigestAt, Arrays.copyOf(PLAYER_KEY, 30));
        System.arraycopy(c1Digest, 0, c1, c1DigestAt, 32);

        // Sent in two pieces: the handler must wait for all of C1.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}, Arrays.copyOf(c1, 700)));
        assertNull(channel.readOutbound());
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(c1, 700, SIZE)));
        byte[] response = readAll(channel);
        assertTrue(handler.isDigestHandshake());

        byte[] s1 = Arrays.copyOfRange(response, 1, 1 + SIZE);
        byte[] s2 = Arrays.copyOfRange(response, 1 + SIZE, 1 + 2 * SIZE);
        assertFalse(s1[4] == 0 && s1[5] == 0 && s1[6] == 0 && s1[7] == 0, "S1 has a server version");
        int s1DigestAt = digestOffset(s1, schema);
        assertArrayEquals(digestSkipping(s1, s1DigestAt, SERVER_KEY), Arrays.copyOfRange(s1, s1DigestAt, s1DigestAt + 32),
                "S1 digest under the client's schema");

        byte[] fullServerKey = concat(SERVER_KEY, KEY_TAIL);
        byte[] signingKey = hmac(fullServerKey, c1Digest);
        byte[] signature = hmac(signingKey, Arrays.copyOf(s2, SIZE - 32));
        assertArrayEquals(signature, Arrays.copyOfRange(s2, SIZE - 32, SIZE), "S2 signed to C1's digest");

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[SIZE]));
        assertNull(channel.pipeline().get(RtmpHandshakeHandler.class));
        channel.finishAndReleaseAll();
    }

    @Test
    void c1WithAVersionButNoValidDigestGetsThePlainAnswer() {
        RtmpHandshakeHandler handler = new RtmpHandshakeHandler();
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        byte[] c1 = randomPacket(4);
        c1[4] = 9;
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}, c1));
        byte[] response = readAll(channel);
        assertFalse(handler.isDigestHandshake());
        assertArrayEquals(c1, Arrays.copyOfRange(response, 1 + SIZE, 1 + 2 * SIZE));
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 6, 'G', 0xFF})
    void wrongVersionClosesAtOnce(int version) {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpHandshakeHandler());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) version, 1, 2, 3}));
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void truncatedHandshakeClosesAfterTheTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpHandshakeHandler(5_000));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}, new byte[100]));
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "still waiting within the timeout");
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void missingC2ClosesAfterTheTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpHandshakeHandler(1_000));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}, new byte[SIZE], new byte[10]));
        readAll(channel);
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    private static byte[] readAll(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    private static byte[] randomPacket(long seed) {
        byte[] packet = new byte[SIZE];
        new Random(seed).nextBytes(packet);
        return packet;
    }

    private static int digestOffset(byte[] packet, int schema) {
        int base = schema == 0 ? 8 : 772;
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += packet[base + i] & 0xFF;
        }
        return sum % 728 + base + 4;
    }

    private static byte[] digestSkipping(byte[] packet, int offset, byte[] key) throws Exception {
        byte[] without = concat(Arrays.copyOf(packet, offset), Arrays.copyOfRange(packet, offset + 32, packet.length));
        return hmac(key, without);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
