package dev.glasscast.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the RTMP handshake (RTMP 1.0 section 5.2): reads C0+C1, answers S0+S1+S2,
 * reads C2, then removes itself so the bytes after C2 reach the chunk decoder.
 *
 * <p>When C1 carries a valid Flash Player digest (the "complex" handshake, see
 * {@link RtmpHandshakeDigest}), S1 carries a server digest under the same schema and S2 is signed
 * to C1's digest; otherwise S1 is random and S2 echoes C1. C2 is read and not checked: clients
 * disagree about what it holds, and nothing of value depends on it.
 *
 * <p>A C0 other than version 3 (plain RTMP; 6 would be RTMPE) closes the connection at once, as does
 * a handshake not complete within {@code handshakeTimeoutMillis}. Only this connection is affected.
 *
 * <p>Ownership: reads from the cumulation buffer and releases nothing it did not allocate; the
 * bytes after C2 pass on to the next handler when this one is removed.
 */
public final class RtmpHandshakeHandler extends ByteToMessageDecoder {

    /** Default time the peer has to complete the handshake: 10 s. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    static final int RTMP_VERSION = 3;
    private static final int PACKET_SIZE = RtmpHandshakeDigest.PACKET_SIZE;
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};
    private static final Logger log = LoggerFactory.getLogger(RtmpHandshakeHandler.class);

    private enum State {
        READ_C0_C1,
        READ_C2,
        FAILED
    }

    private final long handshakeTimeoutMillis;
    private State state = State.READ_C0_C1;
    private ScheduledFuture<?> timeout;
    private boolean digestHandshake;

    public RtmpHandshakeHandler() {
        this(DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** @param handshakeTimeoutMillis time allowed from connection to C2 (default 10 s) */
    public RtmpHandshakeHandler(long handshakeTimeoutMillis) {
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be positive");
        }
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Whether the client's C1 carried a valid digest (known after C1 arrived). */
    public boolean isDigestHandshake() {
        return digestHandshake;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        timeout = ctx.executor().schedule(() -> fail(ctx, "not complete after " + handshakeTimeoutMillis + " ms"),
                handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_C0_C1 -> {
                if (!in.isReadable()) {
                    return;
                }
                int version = in.getUnsignedByte(in.readerIndex());
                if (version != RTMP_VERSION) {
                    fail(ctx, "unsupported RTMP version " + version + (version == 6 ? " (RTMPE)" : ""));
                    in.skipBytes(in.readableBytes());
                    return;
                }
                if (in.readableBytes() < 1 + PACKET_SIZE) {
                    return;
                }
                in.skipBytes(1);
                byte[] c1 = new byte[PACKET_SIZE];
                in.readBytes(c1);
                ByteBuf response = ctx.alloc().buffer(1 + 2 * PACKET_SIZE);
                response.writeByte(RTMP_VERSION);
                response.writeBytes(serverPackets(c1));
                ctx.writeAndFlush(response);
                state = State.READ_C2;
            }
            case READ_C2 -> {
                if (in.readableBytes() < PACKET_SIZE) {
                    return;
                }
                in.skipBytes(PACKET_SIZE);
                cancelTimeout();
                log.debug("rtmp handshake ({}) complete with {}", digestHandshake ? "digest" : "plain", ctx.channel().remoteAddress());
                ctx.pipeline().remove(this);
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    /** S1 followed by S2, in the complex form when C1 has a valid digest. */
    private byte[] serverPackets(byte[] c1) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] s1 = new byte[PACKET_SIZE];
        byte[] s2 = new byte[PACKET_SIZE];
        random.nextBytes(s1);
        // S1 time 0: "the epoch" of this connection's timestamps.
        s1[0] = s1[1] = s1[2] = s1[3] = 0;
        boolean clientHasVersion = (c1[4] | c1[5] | c1[6] | c1[7]) != 0;
        int schema = clientHasVersion ? RtmpHandshakeDigest.findClientSchema(c1) : -1;
        digestHandshake = schema >= 0;
        if (digestHandshake) {
            System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
            RtmpHandshakeDigest.imprint(s1, schema, RtmpHandshakeDigest.SERVER_KEY);
            random.nextBytes(s2);
            RtmpHandshakeDigest.signResponse(s2, RtmpHandshakeDigest.digestAt(c1, schema), RtmpHandshakeDigest.SERVER_FULL_KEY);
        } else {
            s1[4] = s1[5] = s1[6] = s1[7] = 0;
            System.arraycopy(c1, 0, s2, 0, PACKET_SIZE);
        }
        byte[] both = new byte[2 * PACKET_SIZE];
        System.arraycopy(s1, 0, both, 0, PACKET_SIZE);
        System.arraycopy(s2, 0, both, PACKET_SIZE, PACKET_SIZE);
        return both;
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        cancelTimeout();
        log.info("rtmp handshake rejected from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
