package dev.glasscast.ingest.rtmp;

import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.amf0.Amf0EcmaArray;
import dev.glasscast.ingest.amf0.Amf0Encoder;
import dev.glasscast.ingest.amf0.Amf0Undefined;
import dev.glasscast.ingest.auth.PublishAdmission;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.flv.FlvAccessUnitMapper;
import dev.glasscast.ingest.flv.FlvTimestampUnwrapper;
import dev.glasscast.ingest.flv.FlvVideoTag;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publisher's RTMP session above the chunk layer: the NetConnection/NetStream command flow
 * that OBS and FFmpeg follow, authorisation, and the hand-over of audio, video and metadata to a
 * {@link FlvAccessUnitMapper} feeding the {@link StreamHub}.
 *
 * <pre>
 * connect            → Window Acknowledgement Size, Set Peer Bandwidth, Set Chunk Size,
 *                      _result NetConnection.Connect.Success
 * releaseStream, FCPublish, _checkbw → _result (harmless; clients do not wait for them)
 * createStream       → _result with message stream id
 * publish(key[?q])   → Stream Begin, onStatus NetStream.Publish.Start, or
 *                      onStatus error NetStream.Publish.BadName and close
 * @setDataFrame/onMetaData, audio, video → the mapper
 * FCUnpublish, deleteStream, closeStream, or TCP close → unpublish
 * </pre>
 * The publish name is the stream key; a query string after it is ignored. Nothing of a publisher
 * reaches the hub before its key matched a configured stream; the key itself is never logged.
 *
 * <p>Ownership: {@link SimpleChannelInboundHandler} releases every message after it is handled;
 * the mapper only reads payloads.
 *
 * <p>One class over 400 lines on purpose: it is the command flow above, one method per command,
 * all turning on one {@link State}; split, each part would need that state from outside.
 */
public final class RtmpSessionHandler extends SimpleChannelInboundHandler<RtmpMessage> {

    private static final Logger log = LoggerFactory.getLogger(RtmpSessionHandler.class);

    /**
     * A connection that has not started publishing this long after the session began is closed:
     * the idle timeout alone would let a peer that never authenticates hold a connection for ever
     * by sending a ping now and then.
     */
    static final long PUBLISH_DEADLINE_MILLIS = 30_000;

    private static final int COMMAND_CHUNK_STREAM = 3;
    private static final int STREAM_CHUNK_STREAM = 5;

    private enum State {
        AWAIT_CONNECT,
        CONNECTED,
        /** The key checked out; waiting for the operator's on_publish verdict. */
        ADMITTING,
        PUBLISHING,
        CLOSED
    }

    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final RtmpServerLimits limits;
    private final Amf0Decoder amf0Decoder;
    private final LatencyProbe probe;
    private final Amf0Encoder amf0Encoder = new Amf0Encoder();

    private State state = State.AWAIT_CONNECT;
    private int nextMessageStreamId = 1;
    private int publishStreamId;
    private StreamPublisher publisher;
    private FlvAccessUnitMapper mapper;

    public RtmpSessionHandler(PublishAuthorizer authorizer, StreamHub hub, RtmpServerLimits limits, Amf0Decoder amf0Decoder) {
        this(authorizer, hub, limits, amf0Decoder, LatencyProbe.OFF);
    }

    /** @param probe handed to the publisher's {@link FlvAccessUnitMapper} */
    public RtmpSessionHandler(PublishAuthorizer authorizer, StreamHub hub, RtmpServerLimits limits, Amf0Decoder amf0Decoder,
                              LatencyProbe probe) {
        this.authorizer = authorizer;
        this.hub = hub;
        this.limits = limits;
        this.amf0Decoder = amf0Decoder;
        this.probe = probe;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            if (state != State.PUBLISHING && state != State.CLOSED && ctx.channel().isActive()) {
                log.info("rtmp connection from {} did not publish within {} ms; closing", ctx.channel().remoteAddress(),
                        PUBLISH_DEADLINE_MILLIS);
                ctx.close();
            }
        }, PUBLISH_DEADLINE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage message) {
        switch (message.typeId()) {
            case RtmpMessageType.COMMAND_AMF0 -> onCommand(ctx, message, amf0Decoder.decodeAll(message.payload()));
            case RtmpMessageType.COMMAND_AMF3 -> onCommand(ctx, message, amf0Decoder.decodeAll(skipAmf3Switch(message.payload())));
            case RtmpMessageType.DATA_AMF0 -> onData(amf0Decoder.decodeAll(message.payload()));
            case RtmpMessageType.DATA_AMF3 -> onData(amf0Decoder.decodeAll(skipAmf3Switch(message.payload())));
            case RtmpMessageType.VIDEO -> {
                if (isPublishing(message)) {
                    mapper.onVideo(message.timestamp(), message.payload());
                }
            }
            case RtmpMessageType.AUDIO -> {
                if (isPublishing(message)) {
                    mapper.onAudio(message.timestamp(), message.payload());
                }
            }
            case RtmpMessageType.USER_CONTROL -> onUserControl(ctx, message.payload());
            case RtmpMessageType.AGGREGATE -> {
                if (isPublishing(message)) {
                    onAggregate(message);
                }
            }
            default -> {
                // Chunk-layer control was applied by the decoder; acknowledgements, bandwidth
                // hints and shared objects carry nothing a publisher needs from us.
            }
        }
    }

    private boolean isPublishing(RtmpMessage message) {
        return state == State.PUBLISHING && message.messageStreamId() == publishStreamId;
    }

    /** AMF3-typed commands from Flash start with a zero byte and are AMF0 after it. */
    private static ByteBuf skipAmf3Switch(ByteBuf payload) {
        if (payload.isReadable() && payload.getByte(payload.readerIndex()) == 0) {
            payload.skipBytes(1);
        }
        return payload;
    }

    private void onCommand(ChannelHandlerContext ctx, RtmpMessage message, List<Object> values) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            log.debug("{}: ignoring a command without a name", ctx.channel().remoteAddress());
            return;
        }
        double transactionId = values.size() > 1 && values.get(1) instanceof Number n ? n.doubleValue() : 0;
        if (state == State.AWAIT_CONNECT && !name.equals("connect")) {
            throw new IllegalStateException("command " + name + " before connect");
        }
        switch (name) {
            case "connect" -> onConnect(ctx, transactionId, values);
            case "releaseStream", "FCPublish", "_checkbw", "getStreamLength" ->
                    sendResult(ctx, transactionId, null, Amf0Undefined.UNDEFINED);
            case "createStream" -> sendResult(ctx, transactionId, null, (double) nextMessageStreamId++);
            case "publish" -> onPublish(ctx, message.messageStreamId(), values);
            case "FCUnpublish", "deleteStream", "closeStream" -> unpublish(ctx, "client ended the stream");
            case "play", "play2" -> reject(ctx, message.messageStreamId(), "NetStream.Play.Failed",
                    "this server accepts publishers only", "a play request");
            default -> log.debug("{}: ignoring command {}", ctx.channel().remoteAddress(), name);
        }
    }

    private void onConnect(ChannelHandlerContext ctx, double transactionId, List<Object> values) {
        if (state != State.AWAIT_CONNECT) {
            throw new IllegalStateException("second connect on one connection");
        }
        state = State.CONNECTED;
        double objectEncoding = 0;
        List<String> fourCcs = null;
        if (values.size() > 2 && values.get(2) instanceof Map<?, ?> commandObject) {
            if (commandObject.get("objectEncoding") instanceof Number encoding) {
                objectEncoding = encoding.doubleValue();
            }
            if (commandObject.get("fourCcList") instanceof List<?> offered) {
                fourCcs = takenFourCcs(offered);
            }
        }
        RtmpControlMessages control = new RtmpControlMessages(ctx.alloc());
        ctx.write(control.windowAcknowledgementSize(limits.windowSize()));
        ctx.write(control.setPeerBandwidth(limits.windowSize(), RtmpControlMessages.BANDWIDTH_DYNAMIC));
        ctx.write(control.setChunkSize(limits.outboundChunkSize()));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,0,1,123");
        properties.put("capabilities", 31.0);
        if (fourCcs != null) {
            // Enhanced RTMP: an encoder that offered codecs learns which of them are taken here.
            properties.put("fourCcList", fourCcs);
        }
        Map<String, Object> information = new LinkedHashMap<>();
        information.put("level", "status");
        information.put("code", "NetConnection.Connect.Success");
        information.put("description", "Connection succeeded.");
        information.put("objectEncoding", objectEncoding);
        sendResult(ctx, transactionId, properties, information);
    }

    /** The FourCCs of an Enhanced RTMP {@code fourCcList} that GlassCast takes ("*" offers all). */
    private static List<String> takenFourCcs(List<?> offered) {
        List<String> taken = new java.util.ArrayList<>();
        for (String fourCc : List.of(FlvVideoTag.FOURCC_AV1, FlvVideoTag.FOURCC_HEVC, FlvVideoTag.FOURCC_AVC)) {
            if (offered.contains(fourCc) || offered.contains("*")) {
                taken.add(fourCc);
            }
        }
        return taken;
    }

    private void onPublish(ChannelHandlerContext ctx, int messageStreamId, List<Object> values) {
        if (state == State.PUBLISHING || state == State.ADMITTING) {
            throw new IllegalStateException("second publish on one connection");
        }
        String name = values.size() > 3 && values.get(3) instanceof String s ? s : "";
        int query = name.indexOf('?');
        String key = query >= 0 ? name.substring(0, query) : name;
        java.net.InetAddress from = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress socket
                ? socket.getAddress() : null;
        if (authorizer.isBlocked(from)) {
            // Logged once per address by the limiter; a guessing flood must not flood the log too.
            log.debug("rtmp publish refused from {}: too many failed attempts", ctx.channel().remoteAddress());
            refuse(ctx, messageStreamId, "NetStream.Publish.BadName", "stream key rejected");
            return;
        }
        Optional<String> streamName = authorizer.streamForKey(key, from);
        if (streamName.isEmpty()) {
            reject(ctx, messageStreamId, "NetStream.Publish.BadName", "stream key rejected", "unknown stream key");
            return;
        }
        StreamPath path = StreamPath.source(streamName.get());
        boolean standIn = authorizer.isStandInKey(key);
        CompletableFuture<PublishAdmission.Verdict> verdict = authorizer.admit(path.stream(), "rtmp", from, key);
        if (verdict.isDone()) {
            startPublishing(ctx, messageStreamId, path, standIn, verdict.join());
            return;
        }
        // The encoder waits for NetStream.Publish.Start before it sends media; the event loop
        // does not wait for the webhook.
        state = State.ADMITTING;
        verdict.whenComplete((answer, failure) -> ctx.channel().eventLoop().execute(() -> {
            if (state != State.ADMITTING || !ctx.channel().isActive()) {
                return;
            }
            state = State.CONNECTED;
            startPublishing(ctx, messageStreamId, path, standIn, failure == null ? answer
                    : new PublishAdmission.Verdict(false, "on_publish failed: " + failure));
        }));
    }

    private void startPublishing(ChannelHandlerContext ctx, int messageStreamId, StreamPath path, boolean standIn,
                                 PublishAdmission.Verdict verdict) {
        if (!verdict.allowed()) {
            reject(ctx, messageStreamId, "NetStream.Publish.Denied", "publishing refused", "refused by on_publish ("
                    + verdict.reason() + ")");
            return;
        }
        try {
            publisher = standIn ? hub.publishStandIn(path) : hub.publish(path);
        } catch (StreamConflictException e) {
            reject(ctx, messageStreamId, "NetStream.Publish.BadName", "stream " + path + " is already publishing",
                    "stream " + path + " already publishing");
            return;
        }
        publisher.onDisconnect(reason -> ctx.channel().eventLoop().execute(() -> {
            unpublish(ctx, reason);
            ctx.close();
        }));
        mapper = new FlvAccessUnitMapper(publisher, new FlvTimestampUnwrapper(), probe);
        publishStreamId = messageStreamId;
        RtmpChunkDecoder decoder = ctx.pipeline().get(RtmpChunkDecoder.class);
        if (decoder != null) {
            // Media frames are far larger than commands; only an authorised publisher gets room for them.
            decoder.setMessageLimits(limits.maxMessageSize(), limits.maxBufferedBytes());
        }
        state = State.PUBLISHING;
        log.info("rtmp publish {} from {}", path, ctx.channel().remoteAddress());
        ctx.write(new RtmpControlMessages(ctx.alloc()).streamBegin(messageStreamId));
        sendStatus(ctx, messageStreamId, "status", "NetStream.Publish.Start", "Publishing " + path + ".");
    }

    private void onData(List<Object> values) {
        if (state != State.PUBLISHING) {
            return;
        }
        int index = !values.isEmpty() && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() > index + 1 && "onMetaData".equals(values.get(index))) {
            Object properties = values.get(index + 1);
            if (properties instanceof Amf0EcmaArray array) {
                mapper.onMetaData(array.entries());
            } else if (properties instanceof Map<?, ?> object) {
                Map<String, Object> copy = new LinkedHashMap<>();
                object.forEach((k, v) -> copy.put(String.valueOf(k), v));
                mapper.onMetaData(copy);
            }
        }
    }

    /**
     * An aggregate message is a run of FLV tags (11-byte tag header, body, 4-byte back pointer);
     * the tags' own timestamps only give offsets from the first one, the message timestamp the base.
     */
    private void onAggregate(RtmpMessage message) {
        ByteBuf tags = message.payload();
        long firstTagTimestamp = -1;
        while (tags.readableBytes() >= 11 && mapper != null) {
            int typeId = tags.readUnsignedByte();
            int size = tags.readUnsignedMedium();
            long tagTimestamp = tags.readUnsignedMedium() | ((long) tags.readUnsignedByte() << 24);
            tags.skipBytes(3);
            if (size > tags.readableBytes()) {
                throw new IllegalArgumentException("aggregate message tag of " + size + " bytes runs past the message");
            }
            ByteBuf body = tags.readSlice(size);
            if (firstTagTimestamp < 0) {
                firstTagTimestamp = tagTimestamp;
            }
            long timestamp = (message.timestamp() + tagTimestamp - firstTagTimestamp) & 0xFFFFFFFFL;
            switch (typeId) {
                case RtmpMessageType.VIDEO -> mapper.onVideo(timestamp, body);
                case RtmpMessageType.AUDIO -> mapper.onAudio(timestamp, body);
                case RtmpMessageType.DATA_AMF0 -> onData(amf0Decoder.decodeAll(body));
                default -> {
                }
            }
            tags.skipBytes(Math.min(4, tags.readableBytes()));
        }
    }

    private void onUserControl(ChannelHandlerContext ctx, ByteBuf payload) {
        if (payload.readableBytes() >= 6
                && payload.getUnsignedShort(payload.readerIndex()) == RtmpControlMessages.USER_CONTROL_PING_REQUEST) {
            ctx.writeAndFlush(new RtmpControlMessages(ctx.alloc()).pingResponse(payload.getInt(payload.readerIndex() + 2)));
        }
    }

    private void reject(ChannelHandlerContext ctx, int messageStreamId, String code, String description, String reason) {
        log.info("rtmp publish rejected from {}: {}", ctx.channel().remoteAddress(), reason);
        refuse(ctx, messageStreamId, code, description);
    }

    /** Answers the publish with an error status and closes the connection once it is written. */
    private void refuse(ChannelHandlerContext ctx, int messageStreamId, String code, String description) {
        state = State.CLOSED;
        ByteBuf payload = ctx.alloc().buffer();
        amf0Encoder.encodeAll(payload, "onStatus", 0.0, null, status("error", code, description));
        ctx.writeAndFlush(new RtmpMessage(STREAM_CHUNK_STREAM, RtmpMessageType.COMMAND_AMF0, 0, messageStreamId, payload))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void sendResult(ChannelHandlerContext ctx, double transactionId, Object properties, Object information) {
        ByteBuf payload = ctx.alloc().buffer();
        amf0Encoder.encodeAll(payload, "_result", transactionId, properties, information);
        ctx.writeAndFlush(new RtmpMessage(COMMAND_CHUNK_STREAM, RtmpMessageType.COMMAND_AMF0, 0, 0, payload));
    }

    private void sendStatus(ChannelHandlerContext ctx, int messageStreamId, String level, String code, String description) {
        ByteBuf payload = ctx.alloc().buffer();
        amf0Encoder.encodeAll(payload, "onStatus", 0.0, null, status(level, code, description));
        ctx.writeAndFlush(new RtmpMessage(STREAM_CHUNK_STREAM, RtmpMessageType.COMMAND_AMF0, 0, messageStreamId, payload));
    }

    private static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> information = new LinkedHashMap<>();
        information.put("level", level);
        information.put("code", code);
        information.put("description", description);
        return information;
    }

    private void unpublish(ChannelHandlerContext ctx, String reason) {
        if (publisher == null) {
            return;
        }
        StreamPublisher ending = publisher;
        publisher = null;
        mapper = null;
        if (state == State.PUBLISHING) {
            state = State.CONNECTED;
        }
        ending.close();
        log.info("rtmp unpublish {} from {}: {} ({} units)", ending.stream().path(), ctx.channel().remoteAddress(),
                reason, ending.stream().unitsIn());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        unpublish(ctx, "connection closed");
        state = State.CLOSED;
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        unpublish(ctx, "session ended");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason;
        if (cause instanceof ReadTimeoutException) {
            reason = "nothing received for " + limits.idleTimeout().toSeconds() + " s";
        } else {
            reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        // Bad input from one peer is routine for a public listener: one line, the trace only on debug.
        log.info("rtmp connection from {} closed: {}", ctx.channel().remoteAddress(), reason);
        log.debug("rtmp connection failure", cause);
        ctx.close();
    }
}
