package dev.glasscast.ingest.flv;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one FLV publisher has said about its tracks so far ({@code onMetaData}, the video
 * configuration from sequence headers or in-band parameter sets, the AAC configuration) and when
 * that is enough to announce the tracks to the {@link StreamPublisher}.
 *
 * <p>Tracks are announced once every track that {@code onMetaData} promised has its sequence
 * header; without metadata (or if a promised header never comes within
 * {@value FlvAccessUnitMapper#MAX_FRAMES_AWAITING_HEADERS} frames) at the first media frame, with
 * what is known. A changed configuration, or a track that turns up late, announces again. Frames
 * that come while a promised header is awaited are held here, not dropped, and sent (or counted as
 * dropped, if their track is still not announced) right after the first announcement: FFmpeg's FLV
 * muxer, copying from MPEG-TS, sends an empty AAC header first and the real one after the first key
 * frame, and dropping that key frame would lose the stream's first GOP.
 *
 * <p>Not thread-safe: one instance per publisher, used from its {@link FlvAccessUnitMapper}'s thread.
 */
final class FlvTrackAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(FlvTrackAnnouncer.class);

    private final StreamPublisher publisher;
    private final String streamName;

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
    private long droppedHeldFrames;

    FlvTrackAnnouncer(StreamPublisher publisher, String streamName) {
        this.publisher = publisher;
        this.streamName = streamName;
    }

    /** The video configuration in use, or null before a usable sequence header. */
    FlvVideoConfig videoConfig() {
        return videoConfig;
    }

    boolean hasAudioConfig() {
        return aacConfig != null;
    }

    /** Held frames dropped because their track was still not announced when the others were. */
    long droppedHeldFrames() {
        return droppedHeldFrames;
    }

    void onMetaData(FlvMetadata properties) {
        metadata = properties;
        announceIfDue();
    }

    /** A new video configuration, from a sequence header or from parameter sets sent in-band. */
    void useVideoConfig(FlvVideoConfig config) {
        videoConfig = config;
        announceIfDue();
    }

    void useAudioConfig(AacConfig config, byte[] audioSpecificConfig) {
        this.aacConfig = config;
        this.audioSpecificConfig = audioSpecificConfig;
        announceIfDue();
    }

    /** After news of a track: announces again once announced, or the first time once complete. */
    private void announceIfDue() {
        if (!announced.isEmpty() || isComplete()) {
            announceIfChanged();
        }
    }

    /**
     * An encoder that changes its SPS mid-stream (a new size, profile or level) may send the new
     * parameter sets only in-band, ahead of the next key frame, and never a new sequence header
     * (FFmpeg's FLV muxer copying such a stream does this). They are the truth for what follows,
     * so they become the track's configuration: a changed one starts a new period like a new
     * header does.
     *
     * @param fourByteLengthFrame a key frame of the current video codec, with 4-byte NAL lengths
     */
    void followInBandParameterSets(byte[] fourByteLengthFrame) {
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

    /**
     * Announces at a media frame if it is time to, and says whether the frame's track is live.
     * Call once per frame: each call while a promised header is awaited counts towards the limit.
     */
    boolean readyFor(boolean video) {
        if (announced.isEmpty()) {
            boolean known = videoConfig != null || aacConfig != null;
            if (known && (metadata == null || isComplete()
                    || ++framesAwaitingHeaders > FlvAccessUnitMapper.MAX_FRAMES_AWAITING_HEADERS)) {
                announceIfChanged();
            }
        }
        return video ? videoAnnounced : audioAnnounced;
    }

    /** True while nothing is announced because a header {@code onMetaData} promised has not come. */
    boolean awaitingHeaders() {
        return announced.isEmpty();
    }

    /** Sends {@code unit} if its track was {@code ready}, or holds it until the first announcement. */
    void sendOrHold(boolean ready, AccessUnit unit) {
        if (ready) {
            publisher.send(unit);
        } else {
            heldForHeaders.add(unit);
        }
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
            tracks.add(TrackInfo.video(FlvAccessUnitMapper.VIDEO_TRACK_ID, video.codec(), FlvAccessUnitMapper.TIMESCALE,
                    video.width(), video.height(), frameRate, bitrate, video.record()));
        }
        if (aacConfig != null) {
            long bitrate = metadata == null ? 0 : metadata.audioBitrate();
            tracks.add(TrackInfo.audio(FlvAccessUnitMapper.AUDIO_TRACK_ID, Codec.AAC, FlvAccessUnitMapper.TIMESCALE,
                    aacConfig.sampleRate(), aacConfig.channels(), bitrate, audioSpecificConfig));
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
            boolean live = held.trackId() == FlvAccessUnitMapper.VIDEO_TRACK_ID ? videoAnnounced : audioAnnounced;
            if (live) {
                publisher.send(held);
            } else {
                droppedHeldFrames++;
            }
        }
        heldForHeaders.clear();
    }
}
