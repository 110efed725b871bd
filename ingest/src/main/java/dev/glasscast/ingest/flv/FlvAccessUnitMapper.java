package dev.glasscast.ingest.flv;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.codec.AacConfig;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the FLV tags of one publisher (H.264, HEVC or AV1 video, legacy or Enhanced RTMP headers; AAC
 * audio) onto a {@link StreamPublisher}: track
 * announcements from the sequence headers and {@code onMetaData}, and access units with unwrapped
 * timestamps. Kept apart from sockets and sessions so it can serve any FLV-carrying protocol.
 *
 * <p>Video is track {@value #VIDEO_TRACK_ID}, audio track {@value #AUDIO_TRACK_ID}, both with
 * timescale {@value #TIMESCALE} (FLV milliseconds). This class vets and converts the tags; when
 * the tracks are announced, and which frames are held until then, is {@link FlvTrackAnnouncer}'s
 * job. Frames of a track not (yet) announced are dropped, as are codecs other than H.264, HEVC,
 * AV1 and AAC (named once each in a notice to the operator).
 *
 * <p>Not thread-safe: one instance per publisher, used from one thread. Buffers passed in are only
 * read; the caller keeps ownership.
 */
public final class FlvAccessUnitMapper {

    public static final int VIDEO_TRACK_ID = 1;
    public static final int AUDIO_TRACK_ID = 2;
    public static final int TIMESCALE = 1000;
    /** Frames dropped while waiting for a promised sequence header before announcing anyway. */
    public static final int MAX_FRAMES_AWAITING_HEADERS = 64;

    private static final Logger log = LoggerFactory.getLogger(FlvAccessUnitMapper.class);

    private final StreamPublisher publisher;
    private final FlvTimestampUnwrapper clock;
    private final String streamName;
    private final FlvTrackAnnouncer tracks;
    private final LatencyProbe probe;

    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long discontinuitiesSeen;
    private boolean warnedVideoCodec;
    private boolean warnedAudioCodec;
    private long droppedFrames;

    public FlvAccessUnitMapper(StreamPublisher publisher) {
        this(publisher, new FlvTimestampUnwrapper(), LatencyProbe.OFF);
    }

    /** @param probe marks each video frame as it leaves ingest (the latency benchmark's first stage) */
    public FlvAccessUnitMapper(StreamPublisher publisher, FlvTimestampUnwrapper clock, LatencyProbe probe) {
        this.publisher = publisher;
        this.clock = clock;
        this.probe = probe;
        this.streamName = publisher.stream().path().toString();
        this.tracks = new FlvTrackAnnouncer(publisher, streamName);
    }

    /** Frames dropped because their track was unknown, unsupported or not yet announced. */
    public long droppedFrames() {
        return droppedFrames + tracks.droppedHeldFrames();
    }

    public void onMetaData(Map<String, ?> properties) {
        tracks.onMetaData(FlvMetadata.from(properties));
    }

    /**
     * @param timestamp the 32-bit RTMP/FLV timestamp of the tag
     * @param body      the VIDEODATA bytes (readable bytes of the buffer); only read
     */
    public void onVideo(long timestamp, ByteBuf body) {
        FlvVideoTag tag;
        try {
            tag = FlvVideoTag.parse(body);
        } catch (IllegalArgumentException e) {
            log.warn("{}: dropping malformed video tag: {}", streamName, e.getMessage());
            droppedFrames++;
            return;
        }
        if (tag.frameType() == FlvVideoTag.FRAME_TYPE_COMMAND) {
            // Seek markers and the like: no picture, nothing to forward.
            return;
        }
        Codec codec = videoCodec(tag);
        if (codec == null) {
            if (!warnedVideoCodec) {
                warnedVideoCodec = true;
                publisher.notice(tag.extendedHeader()
                        ? "the video, sent as Enhanced RTMP " + describeFourCc(tag.fourCc()) + ", is not shown: "
                                + "GlassCast takes H.264, HEVC or AV1; choose one of those in the encoder"
                        : "the video, in " + videoCodecName(tag.codecId()) + ", is not shown: GlassCast takes "
                                + "H.264, HEVC or AV1; choose one of those in the encoder (x264 in OBS)");
            }
            droppedFrames++;
            return;
        }
        switch (tag.packetType()) {
            case FlvVideoTag.SEQUENCE_HEADER -> onVideoSequenceHeader(codec, tag.data());
            case FlvVideoTag.CODED_FRAME -> onVideoFrame(timestamp, codec, tag);
            case FlvVideoTag.END_OF_SEQUENCE -> log.debug("{}: video end of sequence", streamName);
            default -> log.debug("{}: ignoring a video packet of type {}", streamName, tag.packetType());
        }
    }

    /** The codec of a tag GlassCast takes, or null. */
    private static Codec videoCodec(FlvVideoTag tag) {
        if (tag.extendedHeader()) {
            return switch (tag.fourCc()) {
                case FlvVideoTag.FOURCC_AVC -> Codec.H264;
                case FlvVideoTag.FOURCC_HEVC -> Codec.H265;
                case FlvVideoTag.FOURCC_AV1 -> Codec.AV1;
                default -> null;
            };
        }
        return switch (tag.codecId()) {
            case FlvVideoTag.CODEC_AVC -> Codec.H264;
            case FlvVideoTag.CODEC_HEVC -> Codec.H265;
            default -> null;
        };
    }

    private static String describeFourCc(String fourCc) {
        return switch (fourCc) {
            case "vp09" -> "VP9 (vp09)";
            case "vp08" -> "VP8 (vp08)";
            case "" -> "multitrack";
            default -> "'" + fourCc.replaceAll("[^ -~]", "?") + "'";
        };
    }

    /** FLV CodecID names (FLV specification 10.1, E.4.3.1). */
    private static String videoCodecName(int codecId) {
        return switch (codecId) {
            case 2 -> "Sorenson H.263";
            case 3 -> "Screen Video";
            case 4 -> "VP6";
            case 5 -> "VP6 with alpha";
            case 6 -> "Screen Video 2";
            default -> "FLV video codec " + codecId;
        };
    }

    /** FLV SoundFormat names (FLV specification 10.1, E.4.2.1). */
    private static String audioFormatName(int soundFormat) {
        return switch (soundFormat) {
            case 0, 3 -> "uncompressed PCM";
            case 1 -> "ADPCM";
            case 2, 14 -> "MP3";
            case 4, 5, 6 -> "Nellymoser";
            case 7, 8 -> "G.711";
            case 11 -> "Speex";
            default -> "FLV sound format " + soundFormat;
        };
    }

    /**
     * @param timestamp the 32-bit RTMP/FLV timestamp of the tag
     * @param body      the AUDIODATA bytes (readable bytes of the buffer); only read
     */
    public void onAudio(long timestamp, ByteBuf body) {
        FlvAudioTag tag;
        try {
            tag = FlvAudioTag.parse(body);
        } catch (IllegalArgumentException e) {
            log.warn("{}: dropping malformed audio tag: {}", streamName, e.getMessage());
            droppedFrames++;
            return;
        }
        if (tag.soundFormat() != FlvAudioTag.FORMAT_AAC) {
            if (!warnedAudioCodec) {
                warnedAudioCodec = true;
                publisher.notice("the audio, in " + audioFormatName(tag.soundFormat())
                        + ", is not heard: GlassCast takes AAC; choose AAC in the encoder's audio settings");
            }
            droppedFrames++;
            return;
        }
        if (tag.aacPacketType() == FlvAudioTag.AAC_SEQUENCE_HEADER) {
            onAacSequenceHeader(tag.data());
        } else if (tag.aacPacketType() == FlvAudioTag.AAC_RAW) {
            onAacFrame(timestamp, tag.data());
        }
    }

    private void onVideoSequenceHeader(Codec codec, byte[] record) {
        try {
            tracks.useVideoConfig(switch (codec) {
                case H264 -> FlvVideoConfig.avc(record);
                case H265 -> FlvVideoConfig.hevc(record);
                default -> FlvVideoConfig.av1(record);
            });
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring an unusable {} sequence header: {}", streamName, codec, e.getMessage());
        }
    }

    private void onAacSequenceHeader(byte[] asc) {
        AacConfig config;
        try {
            config = AacConfig.parse(asc);
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring an unusable AudioSpecificConfig: {}", streamName, e.getMessage());
            return;
        }
        tracks.useAudioConfig(config, asc);
    }

    private void onVideoFrame(long timestamp, Codec codec, FlvVideoTag tag) {
        long dts = decodeTime(timestamp);
        boolean ready = tracks.readyFor(true);
        FlvVideoConfig videoConfig = tracks.videoConfig();
        if (videoConfig == null || videoConfig.codec() != codec || !(ready || tracks.awaitingHeaders())) {
            droppedFrames++;
            return;
        }
        if (tag.data().length == 0) {
            return;
        }
        byte[] data;
        try {
            data = codec == Codec.AV1 ? tag.data() : toFourByteLengths(tag.data(), videoConfig.nalLengthSize());
        } catch (IllegalArgumentException e) {
            log.warn("{}: dropping a video frame: {}", streamName, e.getMessage());
            droppedFrames++;
            return;
        }
        if (tag.isKeyFrame()) {
            tracks.followInBandParameterSets(data);
        }
        dts = Math.max(dts, lastVideoDts);
        lastVideoDts = dts;
        probe.ingested(dts + tag.compositionTime());
        tracks.sendOrHold(ready, new AccessUnit(VIDEO_TRACK_ID, dts, dts + tag.compositionTime(), 0, tag.isKeyFrame(), data));
    }

    private void onAacFrame(long timestamp, byte[] frame) {
        long dts = decodeTime(timestamp);
        boolean ready = tracks.readyFor(false);
        if (!tracks.hasAudioConfig() || !(ready || tracks.awaitingHeaders()) || frame.length == 0) {
            droppedFrames++;
            return;
        }
        dts = Math.max(dts, lastAudioDts);
        lastAudioDts = dts;
        tracks.sendOrHold(ready, new AccessUnit(AUDIO_TRACK_ID, dts, dts, 0, true, frame));
    }

    private long decodeTime(long timestamp) {
        long dts = Math.max(0, clock.unwrap(timestamp));
        if (clock.discontinuities() != discontinuitiesSeen) {
            discontinuitiesSeen = clock.discontinuities();
            log.info("{}: the encoder's clock jumped back; marking a discontinuity", streamName);
            publisher.discontinuity();
        }
        return dts;
    }

    private static byte[] toFourByteLengths(byte[] data, int lengthSize) {
        if (lengthSize == 4) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 64);
        int i = 0;
        while (i < data.length) {
            if (i + lengthSize > data.length) {
                throw new IllegalArgumentException("truncated NAL length");
            }
            int size = 0;
            for (int b = 0; b < lengthSize; b++) {
                size = (size << 8) | (data[i + b] & 0xFF);
            }
            i += lengthSize;
            if (size > data.length - i) {
                throw new IllegalArgumentException("NAL length " + size + " runs past the frame");
            }
            out.write(size >>> 24);
            out.write(size >>> 16);
            out.write(size >>> 8);
            out.write(size);
            out.write(data, i, size);
            i += size;
        }
        return out.toByteArray();
    }
}
