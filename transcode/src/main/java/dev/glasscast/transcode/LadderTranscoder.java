package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Turns every source stream in the hub into the renditions of the ladder, publishing them back
 * to the hub (so the packager never knows whether a stream was transcoded):
 * one video-only rendition per rung, named after the rung, and one audio-only rendition named
 * {@value #AUDIO_RENDITION} that every rung shares.
 *
 * <p>Per source stream the video is decoded once (libavcodec), scaled per rung (libswscale) and
 * encoded per rung (libx264) with IDR frames at the same source timestamps on every rung; the
 * audio is copied or decoded and encoded once to AAC. {@code copy} rungs pass the source
 * through. Rungs larger than the source are skipped. See {@link SourceTranscoder} for the
 * threads and {@link TranscodeLimits} for what happens when the machine cannot keep up.
 *
 * <p>Publisher away: with the slate enabled (the default), the renditions outlive their source's
 * publish. When the publisher stalls or disconnects they carry the slate ({@link RenditionKeeper});
 * a new publish of the same stream takes them over; after the slate's timeout they end.
 *
 * <p>Hot reload: the settings are read once per stream, when it is published. A changed ladder
 * therefore applies to streams published afterwards; a stream already live keeps its ladder
 * until its publisher reconnects.
 */
public final class LadderTranscoder implements StreamListener, AutoCloseable {

    /** How long {@link #close()} lets each stream's encoders finish their last frames. */
    static final long DRAIN_MILLIS = 3_000;

    /** The rendition that carries the stream's audio, shared by every video rung. */
    public static final String AUDIO_RENDITION = "audio";

    private final StreamHub hub;
    private final Supplier<TranscodeSettings> settings;
    private final TranscodeLimits limits;
    private final LatencyProbe probe;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LadderTranscoder.class);

    private final Map<String, SourceTranscoder> active = new ConcurrentHashMap<>();
    /** This machine's x264 speed by preset, measured when {@code ladder: auto} first needs it. */
    private final Map<String, EncoderSpeed> encoderSpeeds = new ConcurrentHashMap<>();
    private final RenditionKeeper renditionKeeper;

    /**
     * @param hub      where sources are read and renditions published
     * @param settings the current ladder, audio and key-frame interval; read when a stream is
     *                 published, e.g. {@code () -> TranscodeSettings.from(watcher.current())}
     * @param limits   queue bounds, overload policy and thread counts; {@link TranscodeLimits#defaults()} live
     */
    public LadderTranscoder(StreamHub hub, Supplier<TranscodeSettings> settings, TranscodeLimits limits) {
        this(hub, settings, limits, LatencyProbe.OFF);
    }

    /** @param probe marks each source picture as decoded and each rung's frame as encoded */
    public LadderTranscoder(StreamHub hub, Supplier<TranscodeSettings> settings, TranscodeLimits limits,
                            LatencyProbe probe) {
        this.hub = hub;
        this.settings = settings;
        this.limits = limits;
        this.probe = probe;
        this.renditionKeeper = new RenditionKeeper(hub);
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        if (!stream.path().isSource()) {
            return null;
        }
        String name = stream.path().stream();
        TranscodeSettings current = settings.get();
        SourceTranscoder transcoder;
        if (current.slate().enabled()) {
            RenditionKeeper.Session session = renditionKeeper.beginSession(name, current.slate(), current.keyFrameInterval());
            transcoder = new SourceTranscoder(session, name, current, limits, probe, encoderSpeed(current));
        } else {
            transcoder = new SourceTranscoder(hub, name, current, limits, probe, encoderSpeed(current));
        }
        active.put(name, transcoder);
        return new StreamReader() {
            @Override
            public void onTracks(List<dev.glasscast.media.TrackInfo> tracks) {
                transcoder.onTracks(tracks);
            }

            @Override
            public void onAccessUnit(dev.glasscast.media.AccessUnit unit) {
                transcoder.onAccessUnit(unit);
            }

            @Override
            public void onDiscontinuity() {
                transcoder.onDiscontinuity();
            }

            @Override
            public void onUnpublished() {
                transcoder.onUnpublished();
                active.remove(name, transcoder);
            }

            @Override
            public String toString() {
                return "LadderTranscoder[" + name + "]";
            }
        };
    }

    private DoubleSupplier encoderSpeed(TranscodeSettings current) {
        String preset = current.ladder().stream().filter(RungConfig::isAuto).map(RungConfig::preset).findFirst()
                .orElse("veryfast");
        return encoderSpeeds.computeIfAbsent(preset, p -> new EncoderSpeed(p, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * What {@code ladder: auto} chose for each live stream, one line per standard rung, for the
     * dashboard and the API; streams without an auto ladder are left out.
     */
    public Map<String, List<String>> autoLadders() {
        Map<String, List<String>> chosen = new java.util.TreeMap<>();
        for (SourceTranscoder transcoder : active.values()) {
            List<String> reasons = transcoder.autoLadderReasons();
            if (!reasons.isEmpty()) {
                chosen.put(transcoder.stream(), reasons);
            }
        }
        return chosen;
    }

    /**
     * Asks the encoder of {@code stream}'s rung {@code rendition} for a key frame soon (a WebRTC
     * viewer's PLI or FIR), rate-limited per rung. False when GlassCast does not encode that
     * rendition: a copy rung's key frames are the publisher's, so its viewers wait for the next.
     */
    public boolean requestKeyFrame(String stream, String rendition) {
        SourceTranscoder source = active.get(stream);
        if (source == null) {
            return false;
        }
        for (RungEncoder rung : source.rungs()) {
            if (rung.rung().name().equals(rendition)) {
                rung.requestRefresh();
                return true;
            }
        }
        return false;
    }

    /**
     * For shutdown, after ingest has unpublished every source: lets the encoders finish (up to
     * {@value #DRAIN_MILLIS} ms per stream), then ends every rendition, slate or not, so the
     * packager closes them as finished recordings.
     */
    @Override
    public void close() {
        for (SourceTranscoder transcoder : List.copyOf(active.values())) {
            try {
                if (!transcoder.awaitDrained(DRAIN_MILLIS)) {
                    log.warn("{}: encoders still busy after {} ms; ending its renditions anyway", transcoder.stream(), DRAIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        renditionKeeper.endAll();
    }

    /**
     * How each transcoded rung of each live stream is doing, for the dashboard and metrics.
     *
     * @param stream         source stream name
     * @param rendition      rung name
     * @param width          output width
     * @param height         output height
     * @param encodedFrames  pictures encoded so far
     * @param droppedFrames  pictures dropped because the rung (or a smaller one) fell behind
     * @param step           how the rung keeps real time now: "as configured", or a step down
     *                       ({@link RungPace.Step#describe})
     * @param stepDowns      steps down so far
     */
    public record RungStatus(String stream, String rendition, int width, int height, long encodedFrames,
                             long droppedFrames, String step, long stepDowns) {
    }

    public List<RungStatus> status() {
        List<RungStatus> status = new ArrayList<>();
        for (SourceTranscoder source : active.values()) {
            for (RungEncoder rung : source.rungs()) {
                status.add(new RungStatus(source.stream(), rung.rung().name(), rung.width(), rung.height(),
                        rung.encodedFrames(), rung.droppedFrames(), rung.step().describe(), rung.stepDowns()));
            }
        }
        return status;
    }
}
