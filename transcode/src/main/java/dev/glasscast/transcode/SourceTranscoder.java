package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the renditions of one source stream; this class is its coordinator, on the hub's reader
 * thread. A frame's route splits here, one class a thread:
 * <ul>
 *   <li>the hub's reader thread (this class, {@link StreamReader} callbacks): passes {@code copy}
 *       rungs and copied audio straight through, and queues everything else; it never decodes;</li>
 *   <li>one decode thread ({@link VideoFanOut}, {@code transcode-<stream>-decode}): decodes the
 *       source video once and hands a reference to each picture to every transcoded rung;</li>
 *   <li>one thread per transcoded rung ({@link RungEncoder}, {@code transcode-<stream>-<rung>})
 *       and one for the audio ({@link AudioRenditionEncoder}, {@code transcode-<stream>-audio}).</li>
 * </ul>
 * All queues between them are bounded {@link HandoffQueue}s ({@link TranscodeLimits}), so a
 * machine that cannot keep up drops pictures (largest rungs first) instead of falling ever
 * further behind.
 *
 * <p>Native resources are owned by the thread that uses them and freed when the stream is
 * unpublished: the decoder by the decode thread, each encoder by its rung's thread, the AAC
 * codecs by the audio thread. Every thread ends after the source is unpublished and its
 * queue drained.
 */
final class SourceTranscoder implements StreamReader {

    /** Lifecycle, as seen from the reader thread. */
    enum State {
        WAITING_FOR_TRACKS,
        RUNNING,
        ENDED
    }

    private static final Logger log = LoggerFactory.getLogger(SourceTranscoder.class);

    /** How a session's transcoder claims one of its stream's renditions. */
    @FunctionalInterface
    interface RenditionOpener {
        /**
         * @param rendition the rendition name
         * @param rung      the rung's settings, or null for the audio rendition
         */
        StreamPublisher open(String rendition, RungConfig rung) throws StreamConflictException;

        /**
         * Whether players already hold a rendition of this name: an earlier session of the same
         * live event made it, so it must keep advancing (see {@link RungPlanner}).
         */
        default boolean holds(String rendition) {
            return false;
        }
    }

    private final RenditionClaimer renditions;
    private final String stream;
    private final TranscodeSettings settings;
    private final TranscodeLimits limits;
    private final DoubleSupplier encoderSpeed;
    private final LatencyProbe probe;
    private final boolean transcodesVideo;
    private volatile State state = State.WAITING_FOR_TRACKS;

    // Reader thread only.
    private final List<StreamPublisher> copyOut = new ArrayList<>();
    private List<TrackInfo> videoTracks = List.of();
    private List<TrackInfo> audioTracks = List.of();
    private TrackInfo video;
    private TrackInfo audio;
    private StreamPublisher audioCopyOut;
    private HandoffQueue<SourceEvent> decodeQueue;
    private volatile VideoFanOut fanOut;
    private volatile Thread decodeThread;
    private HandoffQueue<SourceEvent> audioQueue;
    private volatile Thread audioThread;
    private boolean skipVideoToKeyFrame;
    /** Whether copy rungs pass the source through: decided at the session's first video track. */
    private Boolean passthrough;
    /** Whether an HEVC rendition players hold is encoded from this session's (non-HEVC) source. */
    private boolean keepsListedHevcRendition;

    private final AtomicLong sourceUnitsDropped = new AtomicLong();

    SourceTranscoder(StreamHub hub, String stream, TranscodeSettings settings, TranscodeLimits limits,
                     LatencyProbe probe, DoubleSupplier encoderSpeed) {
        this((rendition, rung) -> hub.publish(StreamPath.rendition(stream, rendition)), stream, settings, limits,
                probe, encoderSpeed);
    }

    /**
     * @param opener       claims renditions: straight from the hub, or through the {@link RenditionKeeper}
     *                     that keeps them across publisher sessions
     * @param encoderSpeed this machine's x264 pixels per second, for {@code ladder: auto} ({@link EncoderSpeed})
     */
    SourceTranscoder(RenditionOpener opener, String stream, TranscodeSettings settings, TranscodeLimits limits,
                     LatencyProbe probe, DoubleSupplier encoderSpeed) {
        this.renditions = new RenditionClaimer(opener, stream);
        this.encoderSpeed = encoderSpeed;
        this.stream = stream;
        this.settings = settings;
        this.limits = limits;
        this.probe = probe;
        this.transcodesVideo = settings.ladder().stream().anyMatch(r -> !r.isCopy());
    }

    String stream() {
        return stream;
    }

    State state() {
        return state;
    }

    /** What {@code ladder: auto} chose for this source and why; empty before or without it. */
    List<String> autoLadderReasons() {
        VideoFanOut video = fanOut;
        return video == null ? List.of() : video.autoLadderReasons();
    }

    /** The transcoded rungs made so far, smallest first. */
    List<RungEncoder> rungs() {
        VideoFanOut video = fanOut;
        return video == null ? List.of() : video.rungs();
    }

    /**
     * Waits until the decode, rung and audio threads have finished after {@link #onUnpublished},
     * so their last frames have reached the renditions.
     *
     * @return whether they finished within {@code millis}
     */
    boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread thread : new Thread[] {decodeThread, audioThread}) {
            if (thread != null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                thread.join(left);
                if (thread.isAlive()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Source units dropped before decoding because the decode or audio thread fell behind. */
    long sourceUnitsDropped() {
        return sourceUnitsDropped.get();
    }

    @Override
    public void onTracks(List<TrackInfo> tracks) {
        boolean wasRunning = state == State.RUNNING;
        state = State.RUNNING;
        List<TrackInfo> previous = new ArrayList<>(videoTracks);
        previous.addAll(audioTracks);
        videoTracks = tracks.stream().filter(TrackInfo::isVideo).toList();
        audioTracks = tracks.stream().filter(t -> !t.isVideo()).toList();
        if (passthrough == null && !videoTracks.isEmpty()) {
            passthrough = videoTracks.getFirst().codec() == Codec.H264;
            if (!passthrough) {
                log.info("{}: the source's video is {}, which most browsers cannot play; copy rungs are encoded "
                        + "to H.264 instead", stream, videoTracks.getFirst().codec());
            }
            claimPassthroughRenditions(videoTracks.getFirst());
        }
        for (StreamPublisher out : copyOut) {
            out.tracks(videoTracks);
        }
        TrackInfo newVideo = videoTracks.isEmpty() ? null : videoTracks.getFirst();
        boolean decodes = transcodesVideo || Boolean.FALSE.equals(passthrough) || keepsListedHevcRendition;
        if (decodes && newVideo != null && !newVideo.equals(video)) {
            if (decodeQueue == null) {
                decodeQueue = SourceEvent.queue(limits.decodeQueueUnits(), limits.overload());
                fanOut = new VideoFanOut(stream, settings, limits, renditions, decodeQueue, probe, encoderSpeed);
                decodeThread = Thread.ofPlatform().name("transcode-" + stream + "-decode").start(fanOut);
            }
            decodeQueue.signal(new SourceEvent.Track(newVideo));
            skipVideoToKeyFrame = true;
        }
        video = newVideo;
        TrackInfo newAudio = audioTracks.isEmpty() ? null : audioTracks.getFirst();
        if (newAudio != null) {
            if (settings.audio().isCopy()) {
                if (audioCopyOut == null) {
                    audioCopyOut = renditions.claim(LadderTranscoder.AUDIO_RENDITION, null);
                }
                if (audioCopyOut != null) {
                    audioCopyOut.tracks(audioTracks);
                }
            } else if (newAudio.codec() != Codec.AAC) {
                log.warn("{}: audio codec {} cannot be transcoded; no audio rendition", stream, newAudio.codec());
                newAudio = null;
            } else if (!newAudio.equals(audio)) {
                if (audioQueue == null) {
                    StreamPublisher out = renditions.claim(LadderTranscoder.AUDIO_RENDITION, null);
                    if (out != null) {
                        audioQueue = SourceEvent.queue(limits.audioQueueUnits(), limits.overload());
                        audioThread = Thread.ofPlatform().name("transcode-" + stream + "-audio")
                                .start(new AudioRenditionEncoder(stream, settings.audio().bitrate(), audioQueue, out));
                    }
                }
                if (audioQueue != null) {
                    audioQueue.signal(new SourceEvent.Track(newAudio));
                }
            }
        }
        audio = newAudio;
        if (wasRunning && changedCodecParameters(previous, tracks)) {
            // Every rendition breaks at a change of any track, so the periods of the video and
            // audio renditions (DASH Periods, HLS discontinuity sequences) stay aligned.
            log.info("{}: the source's codec parameters changed; every rendition starts a new period", stream);
            onDiscontinuity();
        }
    }

    /**
     * The renditions this session's source goes to as it is: the copy rungs for H.264; for HEVC,
     * each copy rung's {@code -hevc} rendition (the copy rung itself is then an H.264 encode).
     * Also notes whether a {@code -hevc} rendition of an earlier HEVC publisher must now be
     * encoded from this source.
     */
    private void claimPassthroughRenditions(TrackInfo source) {
        for (RungConfig rung : settings.ladder()) {
            if (!rung.isCopy()) {
                continue;
            }
            StreamPublisher out = null;
            if (source.codec() == Codec.H264) {
                out = renditions.claim(rung.name(), rung);
            } else if (source.codec() == Codec.H265) {
                String name = RungPlanner.hevcName(rung);
                out = renditions.claim(name, RungPlanner.hevcCopy(rung, source.width(), source.height(),
                        source.bitrate()));
                log.info("{}: the HEVC source also passes through as rendition {}, for players that take HEVC",
                        stream, name);
            }
            if (out != null) {
                copyOut.add(out);
            }
            keepsListedHevcRendition |= source.codec() != Codec.H265 && renditions.holds(RungPlanner.hevcName(rung));
        }
    }

    private static boolean changedCodecParameters(List<TrackInfo> before, List<TrackInfo> after) {
        for (TrackInfo track : after) {
            TrackInfo earlier = before.stream().filter(t -> t.trackId() == track.trackId()).findFirst().orElse(null);
            if (earlier != null && !track.sameCodecParameters(earlier)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onAccessUnit(AccessUnit unit) {
        try {
            if (isTrack(videoTracks, unit.trackId())) {
                for (StreamPublisher out : copyOut) {
                    out.send(unit);
                }
                if (decodeQueue != null && video != null && unit.trackId() == video.trackId()) {
                    queueVideo(unit);
                }
            } else if (isTrack(audioTracks, unit.trackId())) {
                if (audioCopyOut != null) {
                    audioCopyOut.send(unit);
                } else if (audioQueue != null && audio != null && unit.trackId() == audio.trackId()
                        && audioQueue.offer(new SourceEvent.Unit(unit)) == HandoffQueue.Offer.REJECTED) {
                    countSourceDrop();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // A decoder fed a gap decodes garbage until the next key frame, so a dropped video unit
    // drops everything up to the next key frame.
    private void queueVideo(AccessUnit unit) throws InterruptedException {
        if (skipVideoToKeyFrame && !unit.keyFrame()) {
            return;
        }
        skipVideoToKeyFrame = false;
        if (decodeQueue.offer(new SourceEvent.Unit(unit)) == HandoffQueue.Offer.REJECTED) {
            skipVideoToKeyFrame = true;
            countSourceDrop();
        }
    }

    private void countSourceDrop() {
        long total = sourceUnitsDropped.incrementAndGet();
        if (total == 1 || total % 300 == 0) {
            log.warn("{}: decoding falls behind real time; {} source units dropped so far", stream, total);
        }
    }

    @Override
    public void onDiscontinuity() {
        for (StreamPublisher out : copyOut) {
            out.discontinuity();
        }
        if (audioCopyOut != null) {
            audioCopyOut.discontinuity();
        }
        if (decodeQueue != null) {
            decodeQueue.signal(new SourceEvent.Discontinuity());
            skipVideoToKeyFrame = true;
        }
        if (audioQueue != null) {
            audioQueue.signal(new SourceEvent.Discontinuity());
        }
    }

    @Override
    public void onUnpublished() {
        for (StreamPublisher out : copyOut) {
            out.close();
        }
        if (audioCopyOut != null) {
            audioCopyOut.close();
        }
        if (decodeQueue != null) {
            decodeQueue.signal(new SourceEvent.End());
        }
        if (audioQueue != null) {
            audioQueue.signal(new SourceEvent.End());
        }
        state = State.ENDED;
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
