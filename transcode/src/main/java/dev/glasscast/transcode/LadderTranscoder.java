package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every source stream in the hub into the renditions of the ladder, publishing them back
 * to the hub (so the packager never knows whether a stream was transcoded):
 * one video-only rendition per rung, named after the rung, and one audio-only rendition named
 * {@value #AUDIO_RENDITION} that every rung shares.
 */
public final class LadderTranscoder implements StreamListener {

    /** The rendition that carries the stream's audio, shared by every video rung. */
    public static final String AUDIO_RENDITION = "audio";

    private static final Logger log = LoggerFactory.getLogger(LadderTranscoder.class);

    private final StreamHub hub;
    private final Supplier<List<RungConfig>> ladder;

    /**
     * @param hub    where sources are read and renditions published
     * @param ladder the current ladder; read when a stream is published, so a reloaded config
     *               applies to the next publish
     */
    public LadderTranscoder(StreamHub hub, Supplier<List<RungConfig>> ladder) {
        this.hub = hub;
        this.ladder = ladder;
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        if (!stream.path().isSource()) {
            return null;
        }
        return new SourceReader(stream.path().stream(), ladder.get());
    }

    /** Reads one source and feeds its renditions. */
    private final class SourceReader implements StreamReader {
        private final String stream;
        private final List<RungConfig> rungs;
        private final List<StreamPublisher> videoOut = new ArrayList<>();
        private StreamPublisher audioOut;
        private List<TrackInfo> videoTracks = List.of();
        private List<TrackInfo> audioTracks = List.of();

        SourceReader(String stream, List<RungConfig> rungs) {
            this.stream = stream;
            this.rungs = rungs;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            videoTracks = tracks.stream().filter(TrackInfo::isVideo).toList();
            audioTracks = tracks.stream().filter(t -> !t.isVideo()).toList();
            if (videoOut.isEmpty() && !videoTracks.isEmpty()) {
                openVideoRenditions();
            }
            if (audioOut == null && !audioTracks.isEmpty()) {
                audioOut = open(AUDIO_RENDITION);
            }
            for (StreamPublisher out : videoOut) {
                out.tracks(videoTracks);
            }
            if (audioOut != null) {
                audioOut.tracks(audioTracks);
            }
        }

        private void openVideoRenditions() {
            for (RungConfig rung : rungs) {
                if (!rung.isCopy()) {
                    log.warn("{}: rung {} asks for codec {}; only copy rungs are supported so far, skipping it",
                            stream, rung.name(), rung.codec());
                    continue;
                }
                StreamPublisher out = open(rung.name());
                if (out != null) {
                    videoOut.add(out);
                }
            }
        }

        private StreamPublisher open(String rendition) {
            try {
                return hub.publish(StreamPath.rendition(stream, rendition));
            } catch (StreamConflictException e) {
                log.error("{}: cannot publish rendition {}: {}", stream, rendition, e.getMessage());
                return null;
            }
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            if (isTrack(videoTracks, unit.trackId())) {
                for (StreamPublisher out : videoOut) {
                    out.send(unit);
                }
            } else if (audioOut != null && isTrack(audioTracks, unit.trackId())) {
                audioOut.send(unit);
            }
        }

        @Override
        public void onDiscontinuity() {
            for (StreamPublisher out : videoOut) {
                out.discontinuity();
            }
            if (audioOut != null) {
                audioOut.discontinuity();
            }
        }

        @Override
        public void onUnpublished() {
            for (StreamPublisher out : videoOut) {
                out.close();
            }
            if (audioOut != null) {
                audioOut.close();
            }
        }

        private static boolean isTrack(List<TrackInfo> tracks, int trackId) {
            for (TrackInfo track : tracks) {
                if (track.trackId() == trackId) {
                    return true;
                }
            }
            return false;
        }
    }
}
