package dev.glasscast.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole RTMP message, the unit above the chunk layer.
 *
 * <p>Ownership: the message owns its payload and has a reference count of one when created. The
 * {@link RtmpChunkDecoder} hands each decoded message to the next handler, which must release it
 * (or pass it on); a message given to {@link RtmpChunkEncoder} is released by the encoder once
 * written.
 */
public final class RtmpMessage extends DefaultByteBufHolder {

    private final int chunkStreamId;
    private final int typeId;
    private final long timestamp;
    private final int messageStreamId;

    /**
     * @param chunkStreamId   the chunk stream it travels on (2..65599); the sender chooses
     * @param typeId          the {@link RtmpMessageType}
     * @param timestamp       the 32-bit RTMP timestamp in milliseconds, 0..2^32-1 (not unwrapped)
     * @param messageStreamId the message stream id (0 for the connection, else a createStream id)
     * @param payload         the body; this message takes ownership
     */
    public RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, ByteBuf payload) {
        super(payload);
        if (chunkStreamId < 2 || chunkStreamId > RtmpChunkDecoder.MAX_CHUNK_STREAM_ID) {
            throw new IllegalArgumentException("chunk stream id out of range: " + chunkStreamId);
        }
        if (typeId < 0 || typeId > 0xFF) {
            throw new IllegalArgumentException("message type out of range: " + typeId);
        }
        if (timestamp < 0 || timestamp > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("timestamp must be a 32-bit unsigned value: " + timestamp);
        }
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.timestamp = timestamp;
        this.messageStreamId = messageStreamId;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    /** Milliseconds, 32 bits as on the wire; it wraps after about 49.7 days. */
    public long timestamp() {
        return timestamp;
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    /** The body; owned by this message. */
    public ByteBuf payload() {
        return content();
    }

    @Override
    public RtmpMessage replace(ByteBuf content) {
        return new RtmpMessage(chunkStreamId, typeId, timestamp, messageStreamId, content);
    }

    @Override
    public RtmpMessage copy() {
        return replace(content().copy());
    }

    @Override
    public RtmpMessage duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public RtmpMessage retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public RtmpMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public RtmpMessage touch() {
        super.touch();
        return this;
    }

    @Override
    public RtmpMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "RtmpMessage[csid=" + chunkStreamId + " type=" + typeId + " ts=" + timestamp
                + " msid=" + messageStreamId + " " + content().readableBytes() + "B]";
    }
}
