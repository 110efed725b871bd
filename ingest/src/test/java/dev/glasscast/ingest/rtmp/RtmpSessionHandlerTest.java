package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.amf0.Amf0Encoder;
import dev.glasscast.ingest.auth.PublishAdmission;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtmpSessionHandlerTest {

    private static final String KEY = "session-key-1";
    private static final String STAND_IN_KEY = "stand-in-key-1";
    private static final StreamPath LIVE = StreamPath.source("main");

    private final StreamHub hub = new StreamHub();
    private final PublishAuthorizer authorizer;
    private final Amf0Encoder amf0 = new Amf0Encoder();

    RtmpSessionHandlerTest() {
        StreamConfig live = new ConfigLoader().defaults().ingest().streams().get(0).withKey(KEY);
        authorizer = new PublishAuthorizer(List.of(live), List.of(new StreamConfig(live.name(), STAND_IN_KEY)),
                new dev.glasscast.ingest.auth.AuthFailureLimiter());
    }

    @Test
    void connectCreateStreamPublishAndUnpublish() {
        EmbeddedChannel channel = session();
        channel.writeInbound(command(0, "connect", 1, Map.of("app", "live", "objectEncoding", 0)));
        assertEquals(RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE, readType(channel));
        assertEquals(RtmpMessageType.SET_PEER_BANDWIDTH, readType(channel));
        RtmpMessage chunkSize = channel.readOutbound();
        assertEquals(RtmpMessageType.SET_CHUNK_SIZE, chunkSize.typeId());
        assertEquals(4096, chunkSize.payload().getInt(0));
        chunkSize.release();
        List<Object> result = readCommand(channel);
        assertEquals("_result", result.get(0));
        assertEquals(1.0, result.get(1));
        assertEquals("NetConnection.Connect.Success", ((Map<?, ?>) result.get(3)).get("code"));

        channel.writeInbound(command(0, "releaseStream", 2, null, KEY));
        assertEquals("_result", readCommand(channel).get(0));
        channel.writeInbound(command(0, "FCPublish", 3, null, KEY));
        assertEquals("_result", readCommand(channel).get(0));
        channel.writeInbound(command(0, "createStream", 4, null));
        List<Object> created = readCommand(channel);
        assertEquals(List.of("_result", 4.0), created.subList(0, 2));
        assertEquals(1.0, created.get(3));

        channel.writeInbound(command(1, "publish", 5, null, KEY + "?obs=1", "live"));
        RtmpMessage streamBegin = channel.readOutbound();
        assertEquals(RtmpMessageType.USER_CONTROL, streamBegin.typeId());
        assertEquals(RtmpControlMessages.USER_CONTROL_STREAM_BEGIN, streamBegin.payload().getShort(0));
        assertEquals(1, streamBegin.payload().getInt(2));
        streamBegin.release();
        assertEquals("NetStream.Publish.Start", statusCode(readCommand(channel)));
        assertTrue(hub.isLive(LIVE));

        channel.writeInbound(command(0, "FCUnpublish", 6, null, KEY));
        channel.writeInbound(command(0, "deleteStream", 7, null, 1));
        assertFalse(hub.isLive(LIVE));
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void anEncoderOfferingEnhancedRtmpCodecsLearnsWhichAreTaken() {
        EmbeddedChannel channel = session();
        // What OBS 30+ sends in connect.
        channel.writeInbound(command(0, "connect", 1, Map.of("app", "live", "fourCcList", List.of("av01", "vp09", "hvc1"))));
        for (int control = 0; control < 3; control++) {
            readType(channel);
        }
        List<Object> result = readCommand(channel);
        assertEquals(List.of("av01", "hvc1"), ((Map<?, ?>) result.get(2)).get("fourCcList"));
        channel.finishAndReleaseAll();
    }

    @Test
    void aWrongKeyIsRejectedAndClosed() {
        EmbeddedChannel channel = connected();
        channel.writeInbound(command(1, "publish", 5, null, "wrong-key", "live"));
        List<Object> status = readCommand(channel);
        Map<?, ?> information = (Map<?, ?>) status.get(3);
        assertEquals("error", information.get("level"));
        assertEquals("NetStream.Publish.BadName", information.get("code"));
        assertTrue(information.get("description").toString().contains("key"));
        assertFalse(channel.isOpen());
        assertTrue(hub.liveStreams().isEmpty());
        channel.finishAndReleaseAll();
    }

    @Test
    void aSecondPublisherOfALiveStreamIsRejected() {
        EmbeddedChannel first = connected();
        first.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        EmbeddedChannel second = connected();
        second.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        Map<?, ?> information = (Map<?, ?>) readCommand(second).get(3);
        assertEquals("NetStream.Publish.BadName", information.get("code"));
        assertTrue(information.get("description").toString().contains("already publishing"));
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
        assertTrue(hub.isLive(LIVE));
        first.close();
        assertFalse(hub.isLive(LIVE), "closing the connection unpublishes");
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aPublisherWithTheStreamKeyTakesOverFromTheStandIn() {
        EmbeddedChannel standIn = connected();
        standIn.writeInbound(command(1, "publish", 5, null, STAND_IN_KEY, "live"));
        assertEquals(RtmpMessageType.USER_CONTROL, readType(standIn));
        assertEquals("NetStream.Publish.Start", statusCode(readCommand(standIn)));
        assertTrue(hub.find(LIVE).orElseThrow().standIn());

        EmbeddedChannel obs = connected();
        obs.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        assertEquals(RtmpMessageType.USER_CONTROL, readType(obs));
        assertEquals("NetStream.Publish.Start", statusCode(readCommand(obs)));
        assertFalse(hub.find(LIVE).orElseThrow().standIn());
        standIn.runPendingTasks();
        assertFalse(standIn.isOpen(), "the stand-in's connection is dropped");
        assertTrue(obs.isOpen());
        assertTrue(hub.isLive(LIVE), "the stand-in's connection closing leaves the new publisher live");

        EmbeddedChannel again = connected();
        again.writeInbound(command(1, "publish", 5, null, STAND_IN_KEY, "live"));
        assertTrue(readCommand(again).get(3).toString().contains("already publishing"), "the stand-in cannot take it back");
        obs.finishAndReleaseAll();
        standIn.finishAndReleaseAll();
        again.finishAndReleaseAll();
    }

    @Test
    void mediaAndAggregateMessagesReachTheHub() throws Exception {
        HubRecorder recorder = new HubRecorder();
        hub.addListener(recorder);
        EmbeddedChannel channel = connected();
        channel.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        byte[] asc = {0x11, (byte) 0x90};
        channel.writeInbound(new RtmpMessage(4, RtmpMessageType.AUDIO, 0, 1,
                Unpooled.buffer().writeByte(0xAF).writeByte(0).writeBytes(asc)));
        // Two AAC frames in one aggregate: tag timestamps 500 and 523 on a message timestamp of 1000.
        ByteBuf aggregate = Unpooled.buffer();
        for (int i = 0; i < 2; i++) {
            aggregate.writeByte(RtmpMessageType.AUDIO).writeMedium(3).writeMedium(500 + 23 * i).writeByte(0).writeMedium(0);
            aggregate.writeByte(0xAF).writeByte(1).writeByte(i);
            aggregate.writeInt(14);
        }
        channel.writeInbound(new RtmpMessage(4, RtmpMessageType.AGGREGATE, 1000, 1, aggregate));
        channel.close();
        assertTrue(recorder.unpublished.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of(1000L, 1023L), recorder.units.stream().map(u -> u.dts()).toList());
        assertEquals(48000, recorder.trackAnnouncements.getFirst().getFirst().sampleRate());
        channel.finishAndReleaseAll();
    }

    @Test
    void answersPingsAndIgnoresUnknownCommands() {
        EmbeddedChannel channel = connected();
        ByteBuf ping = Unpooled.buffer().writeShort(RtmpControlMessages.USER_CONTROL_PING_REQUEST).writeInt(1234);
        channel.writeInbound(new RtmpMessage(2, RtmpMessageType.USER_CONTROL, 0, 0, ping));
        RtmpMessage pong = channel.readOutbound();
        assertEquals(RtmpControlMessages.USER_CONTROL_PING_RESPONSE, pong.payload().getShort(0));
        assertEquals(1234, pong.payload().getInt(2));
        pong.release();
        channel.writeInbound(command(0, "someVendorExtension", 9, null));
        channel.writeInbound(command(0, "_checkbw", 10, null));
        assertEquals("_result", readCommand(channel).get(0));
        assertTrue(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void commandsBeforeConnectAndMalformedAmfCloseTheConnection() {
        EmbeddedChannel early = session();
        early.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        assertFalse(early.isOpen());
        assertFalse(hub.isLive(LIVE));
        early.finishAndReleaseAll();

        EmbeddedChannel amf3 = session();
        amf3.writeInbound(new RtmpMessage(3, RtmpMessageType.COMMAND_AMF0, 0, 0, Unpooled.wrappedBuffer(new byte[] {0x11, 1})));
        assertFalse(amf3.isOpen());
        amf3.finishAndReleaseAll();
    }

    /** The on_publish verdict comes later: the encoder hears nothing until it does, then the answer. */
    @Test
    void aPublishWaitsForTheOnPublishVerdict() {
        StreamConfig live = new ConfigLoader().defaults().ingest().streams().get(0).withKey(KEY);
        java.util.concurrent.CompletableFuture<PublishAdmission.Verdict> allowed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<PublishAdmission.Verdict> refused = new java.util.concurrent.CompletableFuture<>();
        java.util.Iterator<java.util.concurrent.CompletableFuture<PublishAdmission.Verdict>> verdicts =
                List.of(allowed, refused).iterator();
        PublishAuthorizer asking = new PublishAuthorizer(List.of(live), List.of(),
                new dev.glasscast.ingest.auth.AuthFailureLimiter(), request -> verdicts.next());

        EmbeddedChannel first = connected(asking);
        first.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        assertNull(first.readOutbound());
        assertFalse(hub.isLive(LIVE));
        allowed.complete(new PublishAdmission.Verdict(true, "on_publish answered 200"));
        first.runPendingTasks();
        assertEquals(RtmpMessageType.USER_CONTROL, readType(first));
        assertEquals("NetStream.Publish.Start", statusCode(readCommand(first)));
        assertTrue(hub.isLive(LIVE));
        first.close();

        EmbeddedChannel second = connected(asking);
        second.writeInbound(command(1, "publish", 5, null, KEY, "live"));
        refused.complete(new PublishAdmission.Verdict(false, "on_publish answered 403"));
        second.runPendingTasks();
        Map<?, ?> information = (Map<?, ?>) readCommand(second).get(3);
        assertEquals("NetStream.Publish.Denied", information.get("code"));
        assertFalse(second.isOpen());
        assertFalse(hub.isLive(LIVE));
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    private EmbeddedChannel session() {
        return session(authorizer);
    }

    private EmbeddedChannel session(PublishAuthorizer by) {
        return new EmbeddedChannel(new RtmpSessionHandler(by, hub, RtmpServerLimits.defaults(), new Amf0Decoder()));
    }

    private EmbeddedChannel connected() {
        return connected(authorizer);
    }

    private EmbeddedChannel connected(PublishAuthorizer by) {
        EmbeddedChannel channel = session(by);
        channel.writeInbound(command(0, "connect", 1, Map.of("app", "live")));
        channel.writeInbound(command(0, "createStream", 2, null));
        for (Object message; (message = channel.readOutbound()) != null; ) {
            ((RtmpMessage) message).release();
        }
        return channel;
    }

    private RtmpMessage command(int messageStreamId, Object... values) {
        ByteBuf payload = Unpooled.buffer();
        amf0.encodeAll(payload, values);
        return new RtmpMessage(3, RtmpMessageType.COMMAND_AMF0, 0, messageStreamId, payload);
    }

    private static int readType(EmbeddedChannel channel) {
        RtmpMessage message = channel.readOutbound();
        try {
            return message.typeId();
        } finally {
            message.release();
        }
    }

    private static List<Object> readCommand(EmbeddedChannel channel) {
        RtmpMessage message = channel.readOutbound();
        try {
            assertEquals(RtmpMessageType.COMMAND_AMF0, message.typeId());
            return new Amf0Decoder().decodeAll(message.payload());
        } finally {
            message.release();
        }
    }

    private static String statusCode(List<Object> onStatus) {
        assertEquals("onStatus", onStatus.get(0));
        return (String) ((Map<?, ?>) onStatus.get(3)).get("code");
    }
}
