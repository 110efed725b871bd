package dev.glasscast.server.webrtc;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hub's renditions as WebRTC media: a session starts on the largest H.264 rung GlassCast
 * encoded itself and adapts among those rungs, since the ladder's rungs have no B-frames and
 * WebRTC receivers play frames in the order they arrive; the {@code copy} rung (the publisher's
 * own H.264, maybe with B-frames) only when it is the only H.264 rendition. The sound is the
 * stream's audio as Opus, transcoded once for all of its sessions ({@link WebRtcOpusFeeds}).
 *
 * <p>Thread-safe (no state of its own beyond the hub and the Opus feeds).
 */
public final class WebRtcRenditionFeeds implements WebRtcMediaSource {

    /** The rendition that carries the publisher's own video in the default ladder. */
    static final String COPY_RENDITION = "source";

    private final StreamHub hub;
    private final WebRtcOpusFeeds opus;

    public WebRtcRenditionFeeds(StreamHub hub, WebRtcOpusFeeds opus) {
        this.hub = hub;
        this.opus = opus;
    }

    @Override
    public List<String> videoRenditions(String stream) {
        return choose(stream).stream().map(live -> live.path().rendition()).toList();
    }

    @Override
    public AutoCloseable attachVideo(String stream, String rendition, VideoSink sink) {
        Optional<AutoCloseable> reader = hub.read(StreamPath.rendition(stream, rendition), new VideoReader(rendition, sink));
        if (reader.isEmpty()) {
            sink.ended(rendition, "rendition " + rendition + " of " + stream + " is not live");
            return () -> { };
        }
        return reader.get();
    }

    @Override
    public AutoCloseable attachAudio(String stream, Consumer<AccessUnit> opusFrames) {
        return opus.attach(stream, opusFrames);
    }

    /**
     * The H.264 renditions of {@code stream} GlassCast encoded, largest first; else the copy rung
     * alone. Never the copy rung beside encoded ones: its B-frames would reach the viewer out of
     * order.
     */
    List<LiveStream> choose(String stream) {
        List<LiveStream> h264 = hub.liveStreams().stream()
                .filter(live -> live.path().stream().equals(stream) && !live.path().isSource()
                        && !live.path().rendition().equals(LadderTranscoder.AUDIO_RENDITION)
                        && videoOf(live).filter(track -> track.codec() == Codec.H264).isPresent())
                .sorted(Comparator.comparingLong(WebRtcRenditionFeeds::pixels).reversed())
                .toList();
        List<LiveStream> encoded = h264.stream().filter(live -> !live.path().rendition().equals(COPY_RENDITION)).toList();
        return encoded.isEmpty() ? h264.stream().limit(1).toList() : encoded;
    }

    private static Optional<TrackInfo> videoOf(LiveStream live) {
        return live.tracks().stream().filter(TrackInfo::isVideo).findFirst();
    }

    private static long pixels(LiveStream live) {
        return videoOf(live).map(track -> (long) track.width() * track.height()).orElse(0L);
    }

    /** One session's hub reader of its rendition's video. */
    private static final class VideoReader implements StreamReader {
        private final String rendition;
        private final VideoSink sink;
        private int trackId = -1;

        VideoReader(String rendition, VideoSink sink) {
            this.rendition = rendition;
            this.sink = sink;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            Optional<TrackInfo> video = tracks.stream().filter(TrackInfo::isVideo).findFirst();
            if (video.isEmpty()) {
                return;
            }
            if (video.get().codec() != Codec.H264) {
                trackId = -1;
                sink.ended(rendition, "rendition " + rendition + " changed to " + video.get().codec() + "; WebRTC sends H.264");
                return;
            }
            trackId = video.get().trackId();
            sink.videoTrack(rendition, video.get());
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            if (unit.trackId() == trackId) {
                sink.videoUnit(rendition, unit);
            }
        }

        @Override
        public void onUnpublished() {
            sink.ended(rendition, "the stream ended");
        }
    }
}
