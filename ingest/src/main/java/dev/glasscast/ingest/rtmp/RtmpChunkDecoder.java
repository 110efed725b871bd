package dev.glasscast.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP chunks (RTMP 1.0 section 5.3) into whole {@link RtmpMessage}s.
 *
 * <p>Handles the 1-, 2- and 3-byte basic headers, the four message header formats (fmt 0 absolute,
 * fmt 1 and 2 deltas, fmt 3 repeats the previous header), extended timestamps (also repeated on
 * fmt 3 continuation chunks, which is what Adobe's and FFmpeg's encoders do; a continuation chunk
 * without one, as some encoders send, is accepted too) and any interleaving of chunk streams.
 * Message timestamps are the absolute 32-bit wire values; wrapping is left to the consumer.
 *
 * <p>The chunk-layer protocol control messages act here as they arrive: Set Chunk Size changes the
 * inbound chunk size, Abort drops a partial message, and Window Acknowledgement Size makes this
 * decoder acknowledge every window of received bytes by writing an Acknowledgement message to the
 * channel (so an {@link RtmpChunkEncoder} must sit before it in the pipeline). They are still
 * passed on like every other message.
 *
 * <p>Payload bytes are copied into the message's own buffer as they arrive, so at most one chunk
 * header is ever kept in the cumulation buffer however large the peer's chunk size is; partial
 * messages are bounded by {@code maxBufferedBytes}.
 *
 * <p>Ownership: every emitted {@link RtmpMessage} has a reference count of one and belongs to the
 * next handler. Partial messages are released when the handler is removed or the channel closes.
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {

    /** The largest chunk stream id the 3-byte basic header can express. */
    public static final int MAX_CHUNK_STREAM_ID = 65599;
    /** The chunk size both sides use until a Set Chunk Size message. */
    public static final int INITIAL_CHUNK_SIZE = 128;
    /** Default largest chunk size the peer may set: 16 MiB. */
    public static final int DEFAULT_MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** Default largest message: 8 MiB, several times a 4K key frame at high bitrate. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 8 * 1024 * 1024;
    /** Default number of distinct chunk stream ids a peer may use; encoders use fewer than ten. */
    public static final int DEFAULT_MAX_CHUNK_STREAMS = 64;
    /** Default bound on the bytes declared by all partial messages together: 16 MiB. */
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

    private static final int EXTENDED_TIMESTAMP_MARK = 0xFFFFFF;
    private static final int INITIAL_PAYLOAD_CAPACITY = 64 * 1024;

    private enum State {
        READ_CHUNK_HEADER,
        READ_CHUNK_PAYLOAD,
        DISCARD
    }

    /** What fmt 1, 2 and 3 headers inherit, per chunk stream. */
    private static final class ChunkStream {
        final int id;
        boolean hasHeader;
        long timestamp;
        long timestampField;
        boolean extendedTimestamp;
        int messageLength;
        int typeId;
        int messageStreamId;
        ByteBuf payload;

        ChunkStream(int id) {
            this.id = id;
        }

        int remaining() {
            return messageLength - (payload == null ? 0 : payload.writerIndex());
        }
    }

    private final int maxChunkSize;
    private final int maxChunkStreams;
    private int maxMessageSize;
    private int maxBufferedBytes;
    private final Map<Integer, ChunkStream> chunkStreams = new HashMap<>();

    private State state = State.READ_CHUNK_HEADER;
    private int chunkSize = INITIAL_CHUNK_SIZE;
    private ChunkStream current;
    private int chunkBytesLeft;
    private long bufferedBytes;
    private long bytesReceived;
    private long bytesAcknowledged;
    private long acknowledgementWindow;

    public RtmpChunkDecoder() {
        this(DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_CHUNK_STREAMS, DEFAULT_MAX_BUFFERED_BYTES);
    }

    /**
     * @param maxChunkSize     largest Set Chunk Size accepted from the peer (default 16 MiB)
     * @param maxMessageSize   largest message length accepted (default 8 MiB)
     * @param maxChunkStreams  most distinct chunk stream ids the peer may use (default 64)
     * @param maxBufferedBytes most bytes all partially received messages may declare together
     *                         (default 16 MiB)
     */
    public RtmpChunkDecoder(int maxChunkSize, int maxMessageSize, int maxChunkStreams, int maxBufferedBytes) {
        if (maxChunkSize < INITIAL_CHUNK_SIZE || maxMessageSize < 1 || maxChunkStreams < 1 || maxBufferedBytes < maxMessageSize) {
            throw new IllegalArgumentException("invalid RTMP chunk limits");
        }
        this.maxChunkSize = maxChunkSize;
        this.maxMessageSize = maxMessageSize;
        this.maxChunkStreams = maxChunkStreams;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /**
     * Changes the message limits for the messages that start from now on; a server starts a
     * connection with small limits and raises them once the peer is authorised, so an anonymous
     * peer cannot make it buffer much. Call from the channel's event loop.
     */
    public void setMessageLimits(int newMaxMessageSize, int newMaxBufferedBytes) {
        if (newMaxMessageSize < 1 || newMaxBufferedBytes < newMaxMessageSize) {
            throw new IllegalArgumentException("invalid RTMP message limits");
        }
        maxMessageSize = newMaxMessageSize;
        maxBufferedBytes = newMaxBufferedBytes;
    }

    /** The inbound chunk size now in force. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes received on the connection since this decoder was added. */
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            bytesReceived += bytes.readableBytes();
        }
        super.channelRead(ctx, msg);
        if (acknowledgementWindow > 0 && bytesReceived - bytesAcknowledged >= acknowledgementWindow && ctx.channel().isActive()) {
            bytesAcknowledged = bytesReceived;
            ctx.writeAndFlush(new RtmpControlMessages(ctx.alloc()).acknowledgement(bytesReceived));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case READ_CHUNK_HEADER -> readChunkHeader(in, out);
                case READ_CHUNK_PAYLOAD -> readChunkPayload(ctx, in, out);
                case DISCARD -> in.skipBytes(in.readableBytes());
            }
        } catch (RuntimeException e) {
            // Once the framing is lost nothing after it can be trusted.
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void readChunkHeader(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        if (!tryReadChunkHeader(in)) {
            in.readerIndex(start);
            return;
        }
        if (current.messageLength == 0) {
            completeMessage(Unpooled.EMPTY_BUFFER, out);
        } else {
            state = State.READ_CHUNK_PAYLOAD;
        }
    }

    /** Reads one whole chunk header, or returns false when more bytes are needed. */
    private boolean tryReadChunkHeader(ByteBuf in) {
        if (!in.isReadable()) {
            return false;
        }
        int first = in.readUnsignedByte();
        int fmt = first >>> 6;
        int chunkStreamId = first & 0x3F;
        if (chunkStreamId == 0) {
            if (!in.isReadable()) {
                return false;
            }
            chunkStreamId = 64 + in.readUnsignedByte();
        } else if (chunkStreamId == 1) {
            if (in.readableBytes() < 2) {
                return false;
            }
            chunkStreamId = 64 + in.readUnsignedByte() + (in.readUnsignedByte() << 8);
        }
        int headerLength = switch (fmt) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
        if (in.readableBytes() < headerLength) {
            return false;
        }
        ChunkStream stream = chunkStreams.get(chunkStreamId);
        if (fmt != 0 && (stream == null || !stream.hasHeader)) {
            throw protocolError("chunk stream " + chunkStreamId + " starts with a fmt " + fmt + " header");
        }
        boolean continuation = fmt == 3 && stream.payload != null;
        // Parse into locals first: the chunk stream's state changes only once the header is complete.
        long field = fmt == 3 ? stream.timestampField : -1;
        int length = fmt <= 1 ? -1 : stream.messageLength;
        int typeId = fmt <= 1 ? -1 : stream.typeId;
        int messageStreamId = fmt == 0 ? -1 : stream.messageStreamId;
        boolean extended = fmt == 3 && stream.extendedTimestamp;
        if (fmt <= 2) {
            field = in.readUnsignedMedium();
            extended = field == EXTENDED_TIMESTAMP_MARK;
            if (fmt <= 1) {
                length = in.readUnsignedMedium();
                typeId = in.readUnsignedByte();
            }
            if (fmt == 0) {
                messageStreamId = in.readIntLE();
            }
        }
        if (extended) {
            if (in.readableBytes() < 4) {
                return false;
            }
            long value = in.getUnsignedInt(in.readerIndex());
            if (fmt != 3 || !continuation || value == stream.timestampField) {
                in.skipBytes(4);
                field = value;
            }
        }
        if (stream == null) {
            if (chunkStreams.size() >= maxChunkStreams) {
                throw protocolError("more than " + maxChunkStreams + " chunk streams");
            }
            stream = new ChunkStream(chunkStreamId);
            chunkStreams.put(chunkStreamId, stream);
        }
        if (!continuation) {
            if (stream.payload != null) {
                // A new header before the last message finished: the sender gave that one up.
                dropPartial(stream);
            }
            if (length > maxMessageSize) {
                throw new TooLongFrameException("RTMP message of " + length + " bytes exceeds " + maxMessageSize);
            }
            stream.timestamp = fmt == 0 ? field : (stream.timestamp + field) & 0xFFFFFFFFL;
            stream.timestampField = field;
            stream.extendedTimestamp = extended;
            stream.messageLength = length;
            stream.typeId = typeId;
            stream.messageStreamId = messageStreamId;
            stream.hasHeader = true;
        }
        current = stream;
        chunkBytesLeft = Math.min(chunkSize, stream.remaining());
        return true;
    }

    private void readChunkPayload(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int take = Math.min(chunkBytesLeft, in.readableBytes());
        if (take == 0) {
            return;
        }
        ChunkStream stream = current;
        if (stream.payload == null) {
            if (bufferedBytes + stream.messageLength > maxBufferedBytes) {
                throw new TooLongFrameException("partial RTMP messages exceed " + maxBufferedBytes + " bytes");
            }
            bufferedBytes += stream.messageLength;
            stream.payload = ctx.alloc().buffer(Math.min(stream.messageLength, INITIAL_PAYLOAD_CAPACITY), stream.messageLength);
        }
        stream.payload.writeBytes(in, take);
        chunkBytesLeft -= take;
        if (chunkBytesLeft > 0) {
            return;
        }
        state = State.READ_CHUNK_HEADER;
        if (stream.remaining() == 0) {
            ByteBuf payload = stream.payload;
            stream.payload = null;
            bufferedBytes -= stream.messageLength;
            completeMessage(payload, out);
        }
    }

    private void completeMessage(ByteBuf payload, List<Object> out) {
        ChunkStream stream = current;
        RtmpMessage message = new RtmpMessage(stream.id, stream.typeId, stream.timestamp, stream.messageStreamId, payload);
        try {
            applyProtocolControl(message);
        } catch (RuntimeException e) {
            message.release();
            throw e;
        }
        out.add(message);
    }

    private void applyProtocolControl(RtmpMessage message) {
        ByteBuf payload = message.payload();
        switch (message.typeId()) {
            case RtmpMessageType.SET_CHUNK_SIZE -> {
                requireLength(message, 4);
                int size = payload.getInt(payload.readerIndex()) & 0x7FFFFFFF;
                if (size < 1 || size > maxChunkSize) {
                    throw protocolError("Set Chunk Size " + size + " outside 1.." + maxChunkSize);
                }
                chunkSize = size;
            }
            case RtmpMessageType.ABORT -> {
                requireLength(message, 4);
                ChunkStream stream = chunkStreams.get(payload.getInt(payload.readerIndex()));
                if (stream != null) {
                    dropPartial(stream);
                }
            }
            case RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE -> {
                requireLength(message, 4);
                acknowledgementWindow = payload.getUnsignedInt(payload.readerIndex());
            }
            default -> {
            }
        }
    }

    private static void requireLength(RtmpMessage message, int length) {
        if (message.payload().readableBytes() < length) {
            throw protocolError("control message type " + message.typeId() + " shorter than " + length + " bytes");
        }
    }

    private void dropPartial(ChunkStream stream) {
        if (stream.payload != null) {
            stream.payload.release();
            stream.payload = null;
            bufferedBytes -= stream.messageLength;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (state != State.DISCARD) {
            super.decodeLast(ctx, in, out);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStream stream : chunkStreams.values()) {
            dropPartial(stream);
        }
        chunkStreams.clear();
    }

    private static CorruptedFrameException protocolError(String message) {
        return new CorruptedFrameException(message);
    }
}
