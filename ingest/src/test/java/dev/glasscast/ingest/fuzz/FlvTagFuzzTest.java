package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.amf0.Amf0EcmaArray;
import dev.glasscast.ingest.amf0.Amf0Exception;
import dev.glasscast.ingest.flv.FlvAccessUnitMapper;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays arbitrary bytes as a sequence of FLV tags (the RTMP audio, video and data messages of
 * one publisher) into {@link FlvAccessUnitMapper}: each tag is a type byte (8 audio, 9 video,
 * 18 script data, anything else skipped), a 24-bit timestamp, a 16-bit body length and the body.
 * The mapper drops what it cannot use and must never throw; what it forwards must keep its
 * contract: tracks announced before their first access unit, decode times non-decreasing per track.
 */
class FlvTagFuzzTest {

    private static final int TAG_HEADER = 6;

    @FuzzTest(maxDuration = "5s")
    void mapsOrDropsEveryTag(byte[] input) throws Exception {
        StreamHub hub = new StreamHub();
        try (StreamPublisher named = hub.publish(StreamPath.source("fuzz"))) {
            CheckingPublisher publisher = new CheckingPublisher(named);
            FlvAccessUnitMapper mapper = new FlvAccessUnitMapper(publisher);
            Amf0Decoder amf0 = new Amf0Decoder();
            ByteBuf in = Unpooled.wrappedBuffer(input);
            while (in.readableBytes() >= TAG_HEADER) {
                int type = in.readUnsignedByte();
                long timestamp = in.readUnsignedMedium();
                int length = Math.min(in.readUnsignedShort(), in.readableBytes());
                ByteBuf body = in.readSlice(length);
                switch (type) {
                    case 8 -> mapper.onAudio(timestamp, body);
                    case 9 -> mapper.onVideo(timestamp, body);
                    case 18 -> onScriptData(amf0, mapper, body);
                    default -> {
                    }
                }
            }
        }
    }

    private static void onScriptData(Amf0Decoder amf0, FlvAccessUnitMapper mapper, ByteBuf body) {
        List<Object> values;
        try {
            values = amf0.decodeAll(body);
        } catch (Amf0Exception e) {
            return;
        }
        for (Object value : values) {
            if (value instanceof Amf0EcmaArray array) {
                mapper.onMetaData(array.entries());
            } else if (value instanceof Map<?, ?> object) {
                @SuppressWarnings("unchecked")
                Map<String, ?> properties = (Map<String, ?>) object;
                mapper.onMetaData(properties);
            }
        }
    }

    /** Checks the mapper's output contract as it is produced. */
    private static final class CheckingPublisher implements StreamPublisher {
        private final StreamPublisher named;
        private final Set<Integer> announced = new HashSet<>();
        private final Map<Integer, Long> lastDts = new HashMap<>();

        CheckingPublisher(StreamPublisher named) {
            this.named = named;
        }

        @Override
        public LiveStream stream() {
            return named.stream();
        }

        @Override
        public void tracks(List<TrackInfo> tracks) {
            assertTrue(!tracks.isEmpty(), "empty track announcement");
            announced.clear();
            for (TrackInfo track : tracks) {
                announced.add(track.trackId());
            }
        }

        @Override
        public void send(AccessUnit unit) {
            assertTrue(announced.contains(unit.trackId()), "access unit of unannounced track " + unit.trackId());
            Long previous = lastDts.put(unit.trackId(), unit.dts());
            assertTrue(previous == null || unit.dts() >= previous, "decode time went back on track " + unit.trackId());
            assertTrue(unit.dts() >= 0, "negative decode time");
        }

        @Override
        public void notice(String notice) {
        }

        @Override
        public void discontinuity() {
            lastDts.clear();
        }

        @Override
        public void close() {
        }
    }
}
