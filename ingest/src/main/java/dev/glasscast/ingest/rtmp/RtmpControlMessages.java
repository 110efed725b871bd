package dev.glasscast.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds the protocol control and user control messages of RTMP 1.0 sections 5.4 and 6.2. Each
 * returned message is new and owned by the caller (usually handed straight to a write).
 */
public final class RtmpControlMessages {

    /** Chunk stream reserved for protocol control messages. */
    public static final int CONTROL_CHUNK_STREAM = 2;

    public static final int USER_CONTROL_STREAM_BEGIN = 0;
    public static final int USER_CONTROL_STREAM_EOF = 1;
    public static final int USER_CONTROL_SET_BUFFER_LENGTH = 3;
    public static final int USER_CONTROL_PING_REQUEST = 6;
    public static final int USER_CONTROL_PING_RESPONSE = 7;

    /** Set Peer Bandwidth limit types. */
    public static final int BANDWIDTH_HARD = 0;
    public static final int BANDWIDTH_SOFT = 1;
    public static final int BANDWIDTH_DYNAMIC = 2;

    private final ByteBufAllocator alloc;

    public RtmpControlMessages(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    public RtmpMessage setChunkSize(int chunkSize) {
        return control(RtmpMessageType.SET_CHUNK_SIZE, alloc.buffer(4).writeInt(chunkSize & 0x7FFFFFFF));
    }

    public RtmpMessage abort(int chunkStreamId) {
        return control(RtmpMessageType.ABORT, alloc.buffer(4).writeInt(chunkStreamId));
    }

    /** @param sequenceNumber bytes received so far, modulo 2^32 */
    public RtmpMessage acknowledgement(long sequenceNumber) {
        return control(RtmpMessageType.ACKNOWLEDGEMENT, alloc.buffer(4).writeInt((int) sequenceNumber));
    }

    public RtmpMessage windowAcknowledgementSize(int windowSize) {
        return control(RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE, alloc.buffer(4).writeInt(windowSize));
    }

    public RtmpMessage setPeerBandwidth(int windowSize, int limitType) {
        return control(RtmpMessageType.SET_PEER_BANDWIDTH, alloc.buffer(5).writeInt(windowSize).writeByte(limitType));
    }

    public RtmpMessage streamBegin(int messageStreamId) {
        return userControl(USER_CONTROL_STREAM_BEGIN, messageStreamId);
    }

    public RtmpMessage streamEof(int messageStreamId) {
        return userControl(USER_CONTROL_STREAM_EOF, messageStreamId);
    }

    public RtmpMessage pingResponse(int pingTimestamp) {
        return userControl(USER_CONTROL_PING_RESPONSE, pingTimestamp);
    }

    private RtmpMessage userControl(int event, int value) {
        ByteBuf payload = alloc.buffer(6).writeShort(event).writeInt(value);
        return new RtmpMessage(CONTROL_CHUNK_STREAM, RtmpMessageType.USER_CONTROL, 0, 0, payload);
    }

    private static RtmpMessage control(int typeId, ByteBuf payload) {
        return new RtmpMessage(CONTROL_CHUNK_STREAM, typeId, 0, 0, payload);
    }
}
