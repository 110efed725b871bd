package dev.glasscast.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits {@link RtmpMessage}s into RTMP chunks (RTMP 1.0 section 5.3), compressing headers the
 * way the specification intends: fmt 0 for the first message on a chunk stream (or when time goes
 * backwards or the message stream changes), fmt 1 when only the length or type changed, fmt 2 when
 * only the timestamp delta changed, fmt 3 when the delta repeats and for every continuation chunk.
 * Extended timestamps are written whenever the timestamp field would be 0xFFFFFF or more, and
 * repeated on continuation chunks.
 *
 * <p>Writing a Set Chunk Size message switches this encoder to the new size for the messages after
 * it, so a handler changes the outbound chunk size simply by sending the message.
 *
 * <p>Ownership: the encoder releases each message after writing it (as {@link MessageToByteEncoder}
 * does).
 */
public final class RtmpChunkEncoder extends MessageToByteEncoder<RtmpMessage> {

    /** Default largest chunk size this side may switch to: 16 MiB. */
    public static final int DEFAULT_MAX_CHUNK_SIZE = RtmpChunkDecoder.DEFAULT_MAX_CHUNK_SIZE;

    private static final int EXTENDED_TIMESTAMP_MARK = 0xFFFFFF;

    private static final class LastHeader {
        long timestamp;
        long timestampField;
        int messageLength;
        int typeId;
        int messageStreamId;
    }

    private final int maxChunkSize;
    private final Map<Integer, LastHeader> lastHeaders = new HashMap<>();
    private int chunkSize = RtmpChunkDecoder.INITIAL_CHUNK_SIZE;

    public RtmpChunkEncoder() {
        this(DEFAULT_MAX_CHUNK_SIZE);
    }

    /** @param maxChunkSize the largest chunk size a Set Chunk Size message may switch to (default 16 MiB) */
    public RtmpChunkEncoder(int maxChunkSize) {
        super(RtmpMessage.class);
        this.maxChunkSize = maxChunkSize;
    }

    /** The outbound chunk size now in force. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage message, ByteBuf out) {
        ByteBuf payload = message.payload();
        int length = payload.readableBytes();
        int chunkStreamId = message.chunkStreamId();
        int newChunkSize = chunkSize;
        if (message.typeId() == RtmpMessageType.SET_CHUNK_SIZE && length >= 4) {
            newChunkSize = payload.getInt(payload.readerIndex()) & 0x7FFFFFFF;
            if (newChunkSize < 1 || newChunkSize > maxChunkSize) {
                throw new IllegalArgumentException("chunk size " + newChunkSize + " outside 1.." + maxChunkSize);
            }
        }
        LastHeader last = lastHeaders.get(chunkStreamId);
        long timestamp = message.timestamp();

        int fmt;
        long field;
        if (last == null || message.messageStreamId() != last.messageStreamId || timestamp < last.timestamp) {
            fmt = 0;
            field = timestamp;
        } else {
            field = timestamp - last.timestamp;
            if (length != last.messageLength || message.typeId() != last.typeId) {
                fmt = 1;
            } else if (field != last.timestampField) {
                fmt = 2;
            } else {
                fmt = 3;
            }
        }
        if (last == null) {
            last = new LastHeader();
            lastHeaders.put(chunkStreamId, last);
        }
        last.timestamp = timestamp;
        last.timestampField = field;
        last.messageLength = length;
        last.typeId = message.typeId();
        last.messageStreamId = message.messageStreamId();

        boolean extended = field >= EXTENDED_TIMESTAMP_MARK;
        out.ensureWritable(length + (length / chunkSize + 1) * 18);
        writeBasicHeader(out, fmt, chunkStreamId);
        if (fmt <= 2) {
            out.writeMedium(extended ? EXTENDED_TIMESTAMP_MARK : (int) field);
            if (fmt <= 1) {
                out.writeMedium(length);
                out.writeByte(message.typeId());
            }
            if (fmt == 0) {
                out.writeIntLE(message.messageStreamId());
            }
        }
        if (extended) {
            out.writeInt((int) field);
        }
        int offset = payload.readerIndex();
        int remaining = length;
        boolean first = true;
        while (first || remaining > 0) {
            if (!first) {
                writeBasicHeader(out, 3, chunkStreamId);
                if (extended) {
                    out.writeInt((int) field);
                }
            }
            int take = Math.min(chunkSize, remaining);
            out.writeBytes(payload, offset, take);
            offset += take;
            remaining -= take;
            first = false;
        }
        chunkSize = newChunkSize;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int chunkStreamId) {
        if (chunkStreamId < 64) {
            out.writeByte((fmt << 6) | chunkStreamId);
        } else if (chunkStreamId < 64 + 256) {
            out.writeByte(fmt << 6);
            out.writeByte(chunkStreamId - 64);
        } else {
            out.writeByte((fmt << 6) | 1);
            out.writeByte((chunkStreamId - 64) & 0xFF);
            out.writeByte((chunkStreamId - 64) >>> 8);
        }
    }
}
