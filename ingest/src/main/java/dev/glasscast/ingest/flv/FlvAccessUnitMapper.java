package dev.glasscast.ingest.flv;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.H264Sps;
import dev.glasscast.media.codec.NalUnits;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the FLV tags of one publisher (H.264 video, AAC audio) onto a {@link StreamPublisher}: track
 * announcements from the sequence headers and {@code onMetaData}, and access units with unwrapped
 * timestamps. Kept apart from sockets and sessions so it can serve any FLV-carrying protocol.
 *
 * <p>Video is track {@value #VIDEO_TRACK_ID}, audio track {@value #AUDIO_TRACK_ID}, both with
 * timescale {@value #TIMESCALE} (FLV milliseconds). Tracks are announced once every track that
 * {@code onMetaData} promised has its sequence header; without metadata (or if a promised header
 * never comes within {@value #MAX_FRAMES_AWAITING_HEADERS} frames) at the first media frame, with
 * what is known. A changed sequence header, or a track that turns up late, announces again. Frames
 * of a track not (yet) announced are dropped, as are codecs other than H.264 and AAC (logged once
 * each).
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

    private FlvMetadata metadata;
    private byte[] avcConfig;
    private AvcDecoderConfig avcDecoderConfig;
    private H264Sps sps;
    private AacConfig aacConfig;
    private byte[] audioSpecificConfig;

    private List<TrackInfo> announced = List.of();
    private boolean videoAnnounced;
    private boolean audioAnnounced;
    private int framesAwaitingHeaders;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long discontinuitiesSeen;
    private boolean warnedVideoCodec;
    private boolean warnedAudioCodec;
    private long droppedFrames;

    public FlvAccessUnitMapper(StreamPublisher publisher) {
        this(publisher, new FlvTimestampUnwrapper());
    }

    public FlvAccessUnitMapper(StreamPublisher publisher, FlvTimestampUnwrapper clock) {
        this.publisher = publisher;
        this.clock = clock;
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
        if (tag.extendedHeader() || tag.codecId() != FlvVideoTag.CODEC_AVC) {
            if (!warnedVideoCodec) {
                warnedVideoCodec = true;
                publisher.notice(tag.extendedHeader()
                        ? "the video, sent as Enhanced RTMP (HEVC or AV1), is not shown: over RTMP GlassCast takes "
                                + "H.264; choose an H.264 encoder, or publish HEVC over SRT"
                        : "the video, in " + videoCodecName(tag.codecId()) + ", is not shown: GlassCast takes H.264; "
                                + "choose an H.264 encoder (x264 in OBS)");
            }
            droppedFrames++;
            return;
        }
        switch (tag.avcPacketType()) {
            case FlvVideoTag.AVC_SEQUENCE_HEADER -> onAvcSequenceHeader(tag.data());
            case FlvVideoTag.AVC_NALU -> onAvcFrame(timestamp, tag);
            case FlvVideoTag.AVC_END_OF_SEQUENCE -> log.debug("{}: AVC end of sequence", streamName);
            default -> log.debug("{}: ignoring AVCPacketType {}", streamName, tag.avcPacketType());
        }
    }

    /** FLV CodecID names (FLV specification 10.1, E.4.3.1). */
    private static String videoCodecName(int codecId) {
        return switch (codecId) {
            case 2 -> "Sorenson H.263";
            case 3 -> "Screen Video";
            case 4 -> "VP6";
            case 5 -> "VP6 with alpha";
            case 6 -> "Screen Video 2";
            case 12 -> "HEVC (FLV codec 12, not Enhanced RTMP)";
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

    private void onAvcSequenceHeader(byte[] record) {
        try {
            AvcDecoderConfig config = AvcDecoderConfig.parse(record);
            H264Sps parsed = config.parsedSps();
            if (config.nalLengthSize() != 4) {
                // Frames get re-framed to 4-byte lengths, so the record must say so too.
                record = new AvcDecoderConfig(config.profile(), config.compatibility(), config.level(), 4, config.sps(), config.pps()).toBytes();
            }
            avcDecoderConfig = config;
            avcConfig = record;
            sps = parsed;
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring an unusable AVC sequence header: {}", streamName, e.getMessage());
            return;
        }
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

    private void onAvcFrame(long timestamp, FlvVideoTag tag) {
        long dts = decodeTime(timestamp);
        if (!readyFor(true)) {
            droppedFrames++;
            return;
        }
        if (tag.data().length == 0) {
            return;
        }
        byte[] data;
        try {
            data = toFourByteLengths(tag.data(), avcDecoderConfig.nalLengthSize());
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
        publisher.send(new AccessUnit(VIDEO_TRACK_ID, dts, dts + tag.compositionTime(), 0, tag.isKeyFrame(), data));
    }

    /**
     * An encoder that changes its SPS mid-stream (a new size, profile or level) may send the new
     * parameter sets only in-band, ahead of the next IDR, and never a new sequence header (FFmpeg's
     * FLV muxer copying such a stream does this). They are the truth for what follows, so they
     * become the track's configuration: a changed one starts a new period like a new header does.
     */
    private void followInBandParameterSets(byte[] fourByteLengthData) {
        List<byte[]> sps = new ArrayList<>(1);
        List<byte[]> pps = new ArrayList<>(1);
        for (byte[] nal : NalUnits.splitLengthPrefixed(fourByteLengthData)) {
            int type = nal.length == 0 ? -1 : NalUnits.h264Type(nal[0]);
            if (type == NalUnits.H264_NAL_SPS) {
                sps.add(nal);
            } else if (type == NalUnits.H264_NAL_PPS) {
                pps.add(nal);
            }
        }
        if (sps.isEmpty() && pps.isEmpty()) {
            return;
        }
        List<byte[]> newSps = sps.isEmpty() ? avcDecoderConfig.sps() : sps;
        List<byte[]> newPps = pps.isEmpty() ? avcDecoderConfig.pps() : pps;
        if (sameUnits(newSps, avcDecoderConfig.sps()) && sameUnits(newPps, avcDecoderConfig.pps())) {
            return;
        }
        byte[] record;
        try {
            record = AvcDecoderConfig.of(newSps, newPps).toBytes();
        } catch (IllegalArgumentException e) {
            log.warn("{}: ignoring unusable in-band parameter sets: {}", streamName, e.getMessage());
            return;
        }
        log.info("{}: the encoder sent new parameter sets in-band; following them", streamName);
        onAvcSequenceHeader(record);
    }

    private static boolean sameUnits(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void onAacFrame(long timestamp, byte[] frame) {
        long dts = decodeTime(timestamp);
        if (!readyFor(false) || frame.length == 0) {
            droppedFrames++;
            return;
        }
        dts = Math.max(dts, lastAudioDts);
        lastAudioDts = dts;
        publisher.send(new AccessUnit(AUDIO_TRACK_ID, dts, dts, 0, true, frame));
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
            boolean known = avcConfig != null || aacConfig != null;
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
        boolean videoReady = !expectsVideo() || avcConfig != null;
        boolean audioReady = !expectsAudio() || aacConfig != null;
        return videoReady && audioReady && (avcConfig != null || aacConfig != null);
    }

    private boolean expectsVideo() {
        return metadata.videoCodecId() == FlvVideoTag.CODEC_AVC;
    }

    private boolean expectsAudio() {
        return metadata.audioCodecId() == FlvAudioTag.FORMAT_AAC;
    }

    private void announceIfChanged() {
        List<TrackInfo> tracks = new ArrayList<>(2);
        if (avcConfig != null) {
            double frameRate = sps.frameRate() > 0 ? sps.frameRate() : metadata == null ? 0 : metadata.frameRate();
            long bitrate = metadata == null ? 0 : metadata.videoBitrate();
            tracks.add(TrackInfo.video(VIDEO_TRACK_ID, Codec.H264, TIMESCALE, sps.width(), sps.height(), frameRate, bitrate, avcConfig));
        }
        if (aacConfig != null) {
            long bitrate = metadata == null ? 0 : metadata.audioBitrate();
            tracks.add(TrackInfo.audio(AUDIO_TRACK_ID, Codec.AAC, TIMESCALE, aacConfig.sampleRate(), aacConfig.channels(), bitrate, audioSpecificConfig));
        }
        if (tracks.isEmpty() || tracks.equals(announced)) {
            return;
        }
        announced = List.copyOf(tracks);
        videoAnnounced = avcConfig != null;
        audioAnnounced = aacConfig != null;
        log.debug("{}: tracks {}", streamName, announced);
        publisher.tracks(announced);
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
