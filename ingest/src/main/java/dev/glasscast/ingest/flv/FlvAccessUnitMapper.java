package dev.glasscast.ingest.flv;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
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
 * timescale {@value #TIMESCALE} (FLV milliseconds). Tracks are announced once every track that
 * {@code onMetaData} promised has its sequence header; without metadata (or if a promised header
 * never comes within {@value #MAX_FRAMES_AWAITING_HEADERS} frames) at the first media frame, with
 * what is known. A changed sequence header, or a track that turns up late, announces again. Frames
 * of a track not (yet) announced are dropped, as are codecs other than H.264, HEVC and AAC (named
 * once each in a notice to the operator).
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
    private final LatencyProbe probe;

    private FlvMetadata metadata;
    private FlvVideoConfig videoConfig;
    private AacConfig aacConfig;
    private byte[] audioSpecificConfig;

    private List<TrackInfo> announced = List.of();
    private boolean videoAnnounced;
    private boolean audioAnnounced;
    private int framesAwaitingHeaders;
    /** Frames of known tracks that came while a promised header was awaited (at most the limit above). */
    private final List<AccessUnit> heldForHeaders = new ArrayList<>();
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
    }

    /** Frames dropped because their track was unknown, unsupported or not yet announced. */
    public long droppedFrames() {
        return droppedFrames;
    }

    public void onMetaData(Map<String, ?> properties) {
        metadata = FlvMetadata.from(properties);
        if (!announced.isEmpty()) {
            announceIfChanged();
        } else if (isComplete()) {
            announceIfChanged();
        }
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
            useVideoConfig(switch (codec) {
                case H264 -> FlvVideoConfig.avc(record);
                case H265 -> FlvVideoConfig.hevc(record);
                default -> FlvVideoConfig.av1(record);
            });
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring an unusable {} sequence header: {}", streamName, codec, e.getMessage());
        }
    }

    private void useVideoConfig(FlvVideoConfig config) {
        videoConfig = config;
        if (!announced.isEmpty() || isComplete()) {
            announceIfChanged();
        }
    }

    private void onAacSequenceHeader(byte[] asc) {
        try {
            aacConfig = AacConfig.parse(asc);
            audioSpecificConfig = asc;
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring an unusable AudioSpecificConfig: {}", streamName, e.getMessage());
            return;
        }
        if (!announced.isEmpty() || isComplete()) {
            announceIfChanged();
        }
    }

    private void onVideoFrame(long timestamp, Codec codec, FlvVideoTag tag) {
        long dts = decodeTime(timestamp);
        boolean ready = readyFor(true);
        if (videoConfig == null || videoConfig.codec() != codec || !(ready || awaitingHeaders())) {
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
            followInBandParameterSets(data);
        }
        dts = Math.max(dts, lastVideoDts);
        lastVideoDts = dts;
        probe.ingested(dts + tag.compositionTime());
        sendOrHold(ready, new AccessUnit(VIDEO_TRACK_ID, dts, dts + tag.compositionTime(), 0, tag.isKeyFrame(), data));
    }

    /**
     * An encoder that changes its SPS mid-stream (a new size, profile or level) may send the new
     * parameter sets only in-band, ahead of the next key frame, and never a new sequence header
     * (FFmpeg's FLV muxer copying such a stream does this). They are the truth for what follows,
     * so they become the track's configuration: a changed one starts a new period like a new
     * header does.
     */
    private void followInBandParameterSets(byte[] fourByteLengthFrame) {
        FlvVideoConfig followed;
        try {
            followed = videoConfig.followInBand(fourByteLengthFrame);
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring unusable in-band parameter sets: {}", streamName, e.getMessage());
            return;
        }
        if (followed != null) {
            log.info("{}: the encoder sent new parameter sets in-band; following them", streamName);
            useVideoConfig(followed);
        }
    }

    private void onAacFrame(long timestamp, byte[] frame) {
        long dts = decodeTime(timestamp);
        boolean ready = readyFor(false);
        if (aacConfig == null || !(ready || awaitingHeaders()) || frame.length == 0) {
            droppedFrames++;
            return;
        }
        dts = Math.max(dts, lastAudioDts);
        lastAudioDts = dts;
        sendOrHold(ready, new AccessUnit(AUDIO_TRACK_ID, dts, dts, 0, true, frame));
    }

    /**
     * True while nothing is announced because a header {@code onMetaData} promised has not come.
     * FFmpeg's FLV muxer, copying from MPEG-TS, sends an empty AAC header first and the real one
     * after the first key frame: dropping that key frame would lose the stream's first GOP.
     */
    private boolean awaitingHeaders() {
        return announced.isEmpty();
    }

    private void sendOrHold(boolean ready, AccessUnit unit) {
        if (ready) {
            publisher.send(unit);
        } else {
            heldForHeaders.add(unit);
        }
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

    /** Announces at a media frame if it is time to, and says whether the frame's track is live. */
    private boolean readyFor(boolean video) {
        if (announced.isEmpty()) {
            boolean known = videoConfig != null || aacConfig != null;
            if (known && (metadata == null || isComplete() || ++framesAwaitingHeaders > MAX_FRAMES_AWAITING_HEADERS)) {
                announceIfChanged();
            }
        }
        return video ? videoAnnounced : audioAnnounced;
    }

    /** Whether every track {@code onMetaData} promised (and at least one) has its sequence header. */
    private boolean isComplete() {
        if (metadata == null) {
            return false;
        }
        boolean videoReady = !expectsVideo() || videoConfig != null;
        boolean audioReady = !expectsAudio() || aacConfig != null;
        return videoReady && audioReady && (videoConfig != null || aacConfig != null);
    }

    private boolean expectsVideo() {
        // 99: a FourCC other than avc1/hvc1, such as av01 (taken) or vp09 (named in a notice).
        int id = metadata.videoCodecId();
        return id == FlvVideoTag.CODEC_AVC || id == FlvVideoTag.CODEC_HEVC || id == 99;
    }

    private boolean expectsAudio() {
        return metadata.audioCodecId() == FlvAudioTag.FORMAT_AAC;
    }

    private void announceIfChanged() {
        List<TrackInfo> tracks = new ArrayList<>(2);
        if (videoConfig != null) {
            FlvVideoConfig video = videoConfig;
            double frameRate = video.frameRate() > 0 ? video.frameRate() : metadata == null ? 0 : metadata.frameRate();
            long bitrate = metadata == null ? 0 : metadata.videoBitrate();
            tracks.add(TrackInfo.video(VIDEO_TRACK_ID, video.codec(), TIMESCALE, video.width(), video.height(), frameRate,
                    bitrate, video.record()));
        }
        if (aacConfig != null) {
            long bitrate = metadata == null ? 0 : metadata.audioBitrate();
            tracks.add(TrackInfo.audio(AUDIO_TRACK_ID, Codec.AAC, TIMESCALE, aacConfig.sampleRate(), aacConfig.channels(), bitrate, audioSpecificConfig));
        }
        if (tracks.isEmpty() || tracks.equals(announced)) {
            return;
        }
        announced = List.copyOf(tracks);
        videoAnnounced = videoConfig != null;
        audioAnnounced = aacConfig != null;
        log.debug("{}: tracks {}", streamName, announced);
        publisher.tracks(announced);
        for (AccessUnit held : heldForHeaders) {
            boolean live = held.trackId() == VIDEO_TRACK_ID ? videoAnnounced : audioAnnounced;
            if (live) {
                publisher.send(held);
            } else {
                droppedFrames++;
            }
        }
        heldForHeaders.clear();
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
