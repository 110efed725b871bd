package dev.glasscast.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.amf0.Amf0EcmaArray;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AvcDecoderConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlvAccessUnitMapperTest {

    // x264, High profile level 3.1, 1280x720, VUI 30 fps.
    private static final byte[] SPS = HexFormat.of().parseHex("6764001facd9405005bb0110000003001000000303c0f1831960");
    private static final byte[] PPS = HexFormat.of().parseHex("68ebe3cb22c0");
    private static final byte[] AVCC = AvcDecoderConfig.of(List.of(SPS), List.of(PPS)).toBytes();
    private static final byte[] ASC = new AacConfig(2, 48000, 2).toBytes();

    /** Records calls synchronously; the hub's own publisher only names the stream. */
    private static final class RecordingPublisher implements StreamPublisher {
        final StreamPublisher named;
        final List<List<TrackInfo>> announcements = new ArrayList<>();
        final List<AccessUnit> units = new ArrayList<>();
        final List<String> notices = new ArrayList<>();
        int discontinuities;

        RecordingPublisher(StreamPublisher named) {
            this.named = named;
        }

        @Override
        public LiveStream stream() {
            return named.stream();
        }

        @Override
        public void tracks(List<TrackInfo> tracks) {
            announcements.add(tracks);
        }

        @Override
        public void send(AccessUnit unit) {
            units.add(unit);
        }

        @Override
        public void notice(String notice) {
            notices.add(notice);
        }

        @Override
        public void discontinuity() {
            discontinuities++;
        }

        @Override
        public void close() {
            named.close();
        }
    }

    private final RecordingPublisher publisher;
    private final FlvAccessUnitMapper mapper;

    FlvAccessUnitMapperTest() throws Exception {
        publisher = new RecordingPublisher(new StreamHub().publish(StreamPath.source("flvtest")));
        mapper = new FlvAccessUnitMapper(publisher);
    }

    @AfterEach
    void close() {
        publisher.close();
    }

    @Test
    void announcesOnceBothPromisedHeadersArrivedThenMapsFrames() {
        mapper.onMetaData(Map.of("videocodecid", 7.0, "audiocodecid", 10.0, "framerate", 25.0, "videodatarate", 2500.0));
        mapper.onVideo(0, video(1, 0, 0, AVCC));
        assertTrue(publisher.announcements.isEmpty(), "waits for the promised audio header");
        mapper.onAudio(0, audio(0, ASC));
        assertEquals(1, publisher.announcements.size());
        List<TrackInfo> tracks = publisher.announcements.getFirst();
        TrackInfo video = tracks.get(0);
        assertEquals(Codec.H264, video.codec());
        assertEquals(FlvAccessUnitMapper.VIDEO_TRACK_ID, video.trackId());
        assertEquals(1280, video.width());
        assertEquals(720, video.height());
        assertEquals(30.0, video.frameRate(), "SPS timing wins over metadata");
        assertEquals(2_500_000, video.bitrate());
        assertArrayEquals(AVCC, video.codecConfig());
        TrackInfo audio = tracks.get(1);
        assertEquals(Codec.AAC, audio.codec());
        assertEquals(FlvAccessUnitMapper.AUDIO_TRACK_ID, audio.trackId());
        assertEquals(48000, audio.sampleRate());
        assertEquals(2, audio.channels());

        byte[] frame = {0, 0, 0, 3, 0x65, 1, 2};
        mapper.onVideo(40, video(1, 1, 80, frame));
        mapper.onAudio(35, audio(1, new byte[] {0x21, 0x10}));
        mapper.onVideo(73, video(2, 1, -33, new byte[] {0, 0, 0, 2, 0x41, 9}));
        assertEquals(3, publisher.units.size());
        AccessUnit key = publisher.units.get(0);
        assertEquals(40, key.dts());
        assertEquals(120, key.pts());
        assertTrue(key.keyFrame());
        assertArrayEquals(frame, key.data());
        AccessUnit aac = publisher.units.get(1);
        assertEquals(35, aac.dts());
        assertArrayEquals(new byte[] {0x21, 0x10}, aac.data());
        AccessUnit inter = publisher.units.get(2);
        assertEquals(73, inter.dts());
        assertEquals(40, inter.pts(), "signed 24-bit composition time");
        assertEquals(1, publisher.announcements.size());
    }

    @Test
    void framesThatComeBeforeAPromisedHeaderAreHeldNotLost() {
        // FFmpeg copying from MPEG-TS: an empty AAC header, the first key frame, then the real header.
        mapper.onMetaData(Map.of("videocodecid", 7.0, "audiocodecid", 10.0));
        mapper.onVideo(0, video(1, 0, 0, AVCC));
        mapper.onAudio(0, audio(0, new byte[0]));
        byte[] idr = {0, 0, 0, 1, 0x65};
        mapper.onVideo(0, video(1, 1, 0, idr));
        assertTrue(publisher.announcements.isEmpty());
        mapper.onAudio(45, audio(0, ASC));
        mapper.onAudio(45, audio(1, new byte[] {0x21}));
        assertEquals(1, publisher.announcements.size());
        assertEquals(2, publisher.units.size());
        assertArrayEquals(idr, publisher.units.getFirst().data(), "the first key frame is kept");
        assertEquals(0, mapper.droppedFrames());
    }

    @Test
    void frameRateFromMetadataWhenTheSpsHasNoTiming() {
        // The same SPS cut before its VUI: 1280x720, no timing information.
        byte[] spsWithoutVui = HexFormat.of().parseHex("6764001facd9405005b9");
        byte[] avcc = AvcDecoderConfig.of(List.of(spsWithoutVui), List.of(PPS)).toBytes();
        mapper.onMetaData(Map.of("videocodecid", 7.0, "framerate", 29.97));
        mapper.onVideo(0, video(1, 0, 0, avcc));
        TrackInfo video = publisher.announcements.getFirst().getFirst();
        assertEquals(1280, video.width());
        assertEquals(720, video.height());
        assertEquals(29.97, video.frameRate());
    }

    @Test
    void withoutMetadataAnnouncesAtTheFirstFrame() {
        mapper.onVideo(0, video(1, 0, 0, AVCC));
        assertTrue(publisher.announcements.isEmpty());
        mapper.onVideo(0, video(1, 1, 0, new byte[] {0, 0, 0, 1, 0x65}));
        assertEquals(1, publisher.announcements.size());
        assertEquals(1, publisher.announcements.getFirst().size());
        assertEquals(1, publisher.units.size());
        // Audio that turns up later is announced too, and its frames flow from then on.
        mapper.onAudio(10, audio(0, ASC));
        assertEquals(2, publisher.announcements.size());
        mapper.onAudio(20, audio(1, new byte[] {1}));
        assertEquals(2, publisher.units.size());
    }

    @Test
    void reannouncesWhenASequenceHeaderChanges() {
        mapper.onAudio(0, audio(0, ASC));
        mapper.onAudio(0, audio(1, new byte[] {1}));
        mapper.onAudio(0, audio(0, ASC));
        assertEquals(1, publisher.announcements.size(), "same header: no new announcement");
        mapper.onAudio(30, audio(0, new AacConfig(2, 44100, 1).toBytes()));
        assertEquals(2, publisher.announcements.size());
        assertEquals(44100, publisher.announcements.getLast().getFirst().sampleRate());
    }

    @Test
    void parameterSetsChangedInBandAheadOfAnIdrBecomeTheTracksConfiguration() {
        mapper.onVideo(0, video(1, 0, 0, AVCC));
        mapper.onVideo(0, video(1, 1, 0, new byte[] {0, 0, 0, 1, 0x65}));
        // The same parameter sets repeated in-band change nothing.
        mapper.onVideo(33, video(1, 1, 0, lengthPrefixed(SPS, PPS, new byte[] {0x65})));
        assertEquals(1, publisher.announcements.size());

        // x264 at 320x180, sent in-band only, as FFmpeg's FLV muxer copies an SPS change.
        byte[] smallSps = HexFormat.of().parseHex("6764000dacd941419f9f0110000003001000000303c0f1429960");
        byte[] idr = lengthPrefixed(smallSps, PPS, new byte[] {0x65, 1});
        mapper.onVideo(66, video(1, 1, 0, idr));
        assertEquals(2, publisher.announcements.size(), "a new period starts before the IDR");
        TrackInfo changed = publisher.announcements.getLast().getFirst();
        assertEquals(320, changed.width());
        assertEquals(180, changed.height());
        assertArrayEquals(smallSps, AvcDecoderConfig.parse(changed.codecConfig()).sps().getFirst());
        assertArrayEquals(idr, publisher.units.getLast().data(), "the frame itself is passed on as sent");
    }

    private static byte[] lengthPrefixed(byte[]... units) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.writeBytes(new byte[] {0, 0, (byte) (unit.length >>> 8), (byte) unit.length});
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    // x265 at 320x180: VPS, SPS, PPS.
    private static final byte[] HEVC_VPS = HexFormat.of().parseHex("40010c01ffff01600000030090000003000003003c959809");
    private static final byte[] HEVC_SPS = HexFormat.of().parseHex(
            "42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300f040");
    private static final byte[] HEVC_PPS = HexFormat.of().parseHex("4401c172b46240");

    @Test
    void takesHevcSentAsEnhancedRtmpWithOrWithoutCompositionTimes() {
        byte[] hvcC = dev.glasscast.media.codec.HevcDecoderConfig.toBytes(HEVC_VPS, HEVC_SPS, HEVC_PPS);
        mapper.onMetaData(Map.of("videocodecid", (double) 0x68766331, "audiocodecid", 10.0));
        // ModEx (a 1-byte modifier, then PacketType SequenceStart), FourCC, the hvcC.
        mapper.onVideo(0, Unpooled.buffer().writeByte(0x90 | 7).writeByte(0).writeByte(0x55).writeByte(0x00)
                .writeBytes(FlvVideoTag.FOURCC_HEVC.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).writeBytes(hvcC));
        assertTrue(publisher.announcements.isEmpty(), "onMetaData promised audio too");
        mapper.onAudio(0, audio(0, ASC));
        TrackInfo video = publisher.announcements.getFirst().getFirst();
        assertEquals(Codec.H265, video.codec());
        assertEquals(320, video.width());
        assertEquals(180, video.height());
        assertArrayEquals(hvcC, video.codecConfig());

        byte[] idr = {0, 0, 0, 3, 0x26, 1, 7};
        // CodedFrames: a composition time of 66 ms follows the FourCC.
        mapper.onVideo(100, Unpooled.buffer().writeByte(0x90 | 1).writeBytes("hvc1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeMedium(66).writeBytes(idr));
        // CodedFramesX: no composition time.
        mapper.onVideo(133, Unpooled.buffer().writeByte(0xA0 | 3).writeBytes("hvc1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeBytes(new byte[] {0, 0, 0, 2, 0x02, 1}));
        assertEquals(2, publisher.units.size());
        assertEquals(166, publisher.units.get(0).pts());
        assertTrue(publisher.units.get(0).keyFrame());
        assertArrayEquals(idr, publisher.units.get(0).data());
        assertEquals(133, publisher.units.get(1).pts());
        assertEquals(1, publisher.announcements.size());
    }

    @Test
    void takesAv1SentAsEnhancedRtmpAsItIs() {
        byte[] av1C = HexFormat.of().parseHex("81000c000a0b0200000521e7f66017c002");
        mapper.onVideo(0, Unpooled.buffer().writeByte(0x90).writeBytes(FlvVideoTag.FOURCC_AV1.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeBytes(av1C));
        // A temporal delimiter OBU, then the frame's OBUs: no composition time, no re-framing.
        byte[] temporalUnit = {0x12, 0x00, 0x32, 0x02, 1, 2};
        mapper.onVideo(0, Unpooled.buffer().writeByte(0x91).writeBytes(FlvVideoTag.FOURCC_AV1.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeBytes(temporalUnit));
        TrackInfo video = publisher.announcements.getFirst().getFirst();
        assertEquals(Codec.AV1, video.codec());
        assertEquals(320, video.width());
        assertEquals(180, video.height());
        assertArrayEquals(av1C, video.codecConfig());
        assertArrayEquals(temporalUnit, publisher.units.getFirst().data());
        assertTrue(publisher.units.getFirst().keyFrame());
    }

    @Test
    void reframesShortNalLengthsToFourBytes() {
        AvcDecoderConfig parsed = AvcDecoderConfig.parse(AVCC);
        byte[] twoByteAvcc = new AvcDecoderConfig(parsed.profile(), parsed.compatibility(), parsed.level(), 2, parsed.sps(), parsed.pps()).toBytes();
        mapper.onVideo(0, video(1, 0, 0, twoByteAvcc));
        mapper.onVideo(0, video(1, 1, 0, new byte[] {0, 2, 0x65, 7, 0, 1, 0x06}));
        assertEquals(4, AvcDecoderConfig.parse(publisher.announcements.getFirst().getFirst().codecConfig()).nalLengthSize());
        assertArrayEquals(new byte[] {0, 0, 0, 2, 0x65, 7, 0, 0, 0, 1, 0x06}, publisher.units.getFirst().data());
    }

    @Test
    void unwrapsTheThirtyTwoBitClockAndKeepsEachTrackMonotonic() {
        mapper.onMetaData(new Amf0EcmaArray(Map.of("videocodecid", "avc1")).entries());
        mapper.onVideo(0xFFFFFFF0L, video(1, 0, 0, AVCC));
        mapper.onVideo(0xFFFFFFF0L, video(1, 1, 0, new byte[] {0, 0, 0, 1, 0x65}));
        mapper.onVideo(0x10, video(2, 1, 0, new byte[] {0, 0, 0, 1, 0x41}));
        mapper.onVideo(0x0C, video(2, 1, 0, new byte[] {0, 0, 0, 1, 0x41}));
        assertEquals(0xFFFFFFF0L, publisher.units.get(0).dts());
        assertEquals(0x100000010L, publisher.units.get(1).dts());
        assertEquals(0x100000010L, publisher.units.get(2).dts(), "a small step back is held at the last dts");
        assertEquals(0, publisher.discontinuities);
    }

    @Test
    void aClockRestartIsADiscontinuity() {
        mapper.onAudio(0, audio(0, ASC));
        mapper.onAudio(60_000, audio(1, new byte[] {1}));
        mapper.onAudio(0, audio(1, new byte[] {2}));
        mapper.onAudio(23, audio(1, new byte[] {3}));
        assertEquals(1, publisher.discontinuities);
        assertEquals(List.of(60_000L, 60_000L, 60_023L), publisher.units.stream().map(AccessUnit::dts).toList());
    }

    @Test
    void skipsUnsupportedCodecsAndMalformedTags() {
        mapper.onVideo(0, Unpooled.wrappedBuffer(new byte[] {0x12, 1, 2, 3}));                  // Sorenson H.263
        mapper.onVideo(0, Unpooled.wrappedBuffer(new byte[] {(byte) 0x90, 'v', 'p', '0', '9'})); // Enhanced RTMP VP9
        mapper.onVideo(0, Unpooled.wrappedBuffer(new byte[] {0x17, 0}));                         // truncated AVC header
        mapper.onVideo(0, video(1, 0, 0, new byte[] {1, 2, 3}));                                // broken avcC
        mapper.onAudio(0, Unpooled.wrappedBuffer(new byte[] {0x2F, 1, 2}));                     // MP3
        mapper.onAudio(0, Unpooled.wrappedBuffer(new byte[0]));
        assertTrue(publisher.announcements.isEmpty());
        assertTrue(publisher.units.isEmpty());
        assertEquals(5, mapper.droppedFrames());
    }

    @Test
    void readsCodecIdsAsFlvNumbersOrFourCcs() {
        assertEquals(7, FlvMetadata.from(Map.of("videocodecid", 7.0)).videoCodecId());
        assertEquals(7, FlvMetadata.from(Map.of("videocodecid", "avc1")).videoCodecId());
        assertEquals(7, FlvMetadata.from(Map.of("videocodecid", (double) 0x61766331)).videoCodecId());
        assertEquals(FlvVideoTag.CODEC_HEVC, FlvMetadata.from(Map.of("videocodecid", "hvc1")).videoCodecId());
        assertEquals(99, FlvMetadata.from(Map.of("videocodecid", "av01")).videoCodecId());
        assertEquals(10, FlvMetadata.from(Map.of("audiocodecid", "mp4a")).audioCodecId());
        FlvMetadata none = FlvMetadata.from(Map.of("framerate", "bogus"));
        assertEquals(-1, none.videoCodecId());
        assertEquals(0, none.frameRate());
    }

    @Test
    void parsesTagHeaders() {
        FlvVideoTag tag = FlvVideoTag.parse(Unpooled.wrappedBuffer(new byte[] {0x27, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xD8, 9}));
        assertEquals(FlvVideoTag.FRAME_TYPE_INTER, tag.frameType());
        assertEquals(FlvVideoTag.CODEC_AVC, tag.codecId());
        assertEquals(FlvVideoTag.CODED_FRAME, tag.packetType());
        assertEquals(-40, tag.compositionTime());
        assertArrayEquals(new byte[] {9}, tag.data());
        FlvAudioTag audio = FlvAudioTag.parse(Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1, 5}));
        assertEquals(FlvAudioTag.FORMAT_AAC, audio.soundFormat());
        assertEquals(3, audio.soundRate());
        assertEquals(1, audio.soundSize());
        assertEquals(1, audio.soundType());
        assertEquals(FlvAudioTag.AAC_RAW, audio.aacPacketType());
        assertArrayEquals(new byte[] {5}, audio.data());
    }

    @Test
    void codecsNotTakenAreNamedOnceInWordsAndTheRestStillFlows() {
        mapper.onAudio(0, Unpooled.buffer().writeByte(0x2F).writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFB, 0x50}));
        mapper.onAudio(26, Unpooled.buffer().writeByte(0x2F).writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFB, 0x50}));
        // Enhanced RTMP: IsExHeader set, PacketTypeSequenceStart, FourCC vp09.
        mapper.onVideo(0, Unpooled.buffer().writeByte(0x90).writeBytes("vp09".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(List.of(
                "the audio, in MP3, is not heard: GlassCast takes AAC; choose AAC in the encoder's audio settings",
                "the video, sent as Enhanced RTMP VP9 (vp09), is not shown: GlassCast takes H.264, HEVC or AV1; "
                        + "choose one of those in the encoder"), publisher.notices);

        mapper.onVideo(40, video(1, 0, 0, AVCC));
        mapper.onVideo(40, video(1, 1, 0, new byte[] {0, 0, 0, 2, 0x65, 1}));
        assertEquals(1, publisher.units.size(), "H.264 video still flows");
    }

    @Test
    void theHubKeepsEachNoticeOnceForThisPublish() {
        StreamHub hub = new StreamHub();
        try (StreamPublisher published = hub.publish(StreamPath.source("noticed"))) {
            published.notice("the audio, in MP3, is not heard");
            published.notice("the audio, in MP3, is not heard");
            assertEquals(List.of("the audio, in MP3, is not heard"), published.stream().notices());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (StreamPublisher again = hub.publish(StreamPath.source("noticed"))) {
            assertTrue(again.stream().notices().isEmpty(), "a new publish starts without notices");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ByteBuf video(int frameType, int packetType, int compositionTime, byte[] data) {
        ByteBuf body = Unpooled.buffer();
        body.writeByte((frameType << 4) | FlvVideoTag.CODEC_AVC).writeByte(packetType).writeMedium(compositionTime).writeBytes(data);
        return body;
    }

    private static ByteBuf audio(int packetType, byte[] data) {
        return Unpooled.buffer().writeByte(0xAF).writeByte(packetType).writeBytes(data);
    }
}
