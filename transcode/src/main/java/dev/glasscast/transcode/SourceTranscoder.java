package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the renditions of one source stream. Runs on three kinds of thread:
 * <ul>
 *   <li>the hub's reader thread ({@link StreamReader} callbacks): passes {@code copy} rungs and
 *       copied audio straight through, and queues everything else; it never decodes;</li>
 *   <li>one decode thread ({@code transcode-<stream>-decode}): decodes the source video once
 *       and hands a reference to each picture to every transcoded rung, deciding once for all
 *       rungs which pictures become key frames;</li>
 *   <li>one thread per transcoded rung ({@code transcode-<stream>-<rung>}, see
 *       {@link RungEncoder}) and one for the audio ({@code transcode-<stream>-audio}).</li>
 * </ul>
 * All queues between them are bounded ({@link TranscodeLimits}), so a machine that cannot keep
 * up drops pictures (largest rungs first) instead of falling ever further behind.
 *
 * <p>Native resources are owned by the thread that uses them and freed when the stream is
 * unpublished: the decoder by the decode thread, each encoder by its rung's thread, the AAC
 * codecs by the audio thread. Every thread ends after the source is unpublished and its
 * queue drained.
 *
 * <p>Rung sizes are fixed by the first decoded picture; if the source's resolution changes
 * mid-stream (new codec configuration), the decoder is reopened and later pictures are scaled
 * into the same rung sizes.
 */
final class SourceTranscoder implements StreamReader {

    /** Lifecycle, as seen from the reader thread. */
    enum State {
        WAITING_FOR_TRACKS,
        RUNNING,
        ENDED
    }

    private static final Logger log = LoggerFactory.getLogger(SourceTranscoder.class);

    /** How long a rendition path held by a previous session of the same stream is waited for. */
    static final long RENDITION_CLAIM_PATIENCE_MILLIS = 3_000;

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

    private final RenditionOpener opener;
    private final String stream;
    private final TranscodeSettings settings;
    private final TranscodeLimits limits;
    private final boolean transcodesVideo;
    private volatile State state = State.WAITING_FOR_TRACKS;

    // Reader thread only.
    private final List<StreamPublisher> copyOut = new ArrayList<>();
    private List<TrackInfo> videoTracks = List.of();
    private List<TrackInfo> audioTracks = List.of();
    private TrackInfo video;
    private TrackInfo audio;
    private StreamPublisher audioCopyOut;
    private UnitQueue decodeQueue;
    private volatile Thread decodeThread;
    private UnitQueue audioQueue;
    private volatile Thread audioThread;
    private boolean skipVideoToKeyFrame;
    /** Whether copy rungs pass the source through: decided at the session's first video track. */
    private Boolean passthrough;

    private final AtomicLong sourceUnitsDropped = new AtomicLong();
    private final List<RungEncoder> rungs = new CopyOnWriteArrayList<>();

    SourceTranscoder(StreamHub hub, String stream, TranscodeSettings settings, TranscodeLimits limits) {
        this((rendition, rung) -> hub.publish(StreamPath.rendition(stream, rendition)), stream, settings, limits);
    }

    /**
     * @param opener claims renditions: straight from the hub, or through the {@link SlateKeeper}
     *               that keeps them across publisher sessions
     */
    SourceTranscoder(RenditionOpener opener, String stream, TranscodeSettings settings, TranscodeLimits limits) {
        this.opener = opener;
        this.stream = stream;
        this.settings = settings;
        this.limits = limits;
        this.transcodesVideo = settings.ladder().stream().anyMatch(r -> !r.isCopy());
    }

    String stream() {
        return stream;
    }

    State state() {
        return state;
    }

    /** The transcoded rungs made so far, smallest first. */
    List<RungEncoder> rungs() {
        return List.copyOf(rungs);
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
        }
        if (copyOut.isEmpty() && !videoTracks.isEmpty() && passthrough) {
            for (RungConfig rung : settings.ladder()) {
                if (rung.isCopy()) {
                    StreamPublisher out = open(rung.name(), rung);
                    if (out != null) {
                        copyOut.add(out);
                    }
                }
            }
        }
        for (StreamPublisher out : copyOut) {
            out.tracks(videoTracks);
        }
        TrackInfo newVideo = videoTracks.isEmpty() ? null : videoTracks.getFirst();
        boolean decodes = transcodesVideo || Boolean.FALSE.equals(passthrough);
        if (decodes && newVideo != null && !newVideo.equals(video)) {
            if (decodeQueue == null) {
                decodeQueue = new UnitQueue(limits.decodeQueueUnits(), limits.overload());
                decodeThread = Thread.ofPlatform().name("transcode-" + stream + "-decode").start(this::decodeLoop);
            }
            decodeQueue.control(new UnitQueue.Track(newVideo));
            skipVideoToKeyFrame = true;
        }
        video = newVideo;
        TrackInfo newAudio = audioTracks.isEmpty() ? null : audioTracks.getFirst();
        if (newAudio != null) {
            if (settings.audio().isCopy()) {
                if (audioCopyOut == null) {
                    audioCopyOut = open(LadderTranscoder.AUDIO_RENDITION, null);
                }
                if (audioCopyOut != null) {
                    audioCopyOut.tracks(audioTracks);
                }
            } else if (newAudio.codec() != Codec.AAC) {
                log.warn("{}: audio codec {} cannot be transcoded; no audio rendition", stream, newAudio.codec());
                newAudio = null;
            } else if (!newAudio.equals(audio)) {
                if (audioQueue == null) {
                    StreamPublisher out = open(LadderTranscoder.AUDIO_RENDITION, null);
                    if (out != null) {
                        audioQueue = new UnitQueue(limits.audioQueueUnits(), limits.overload());
                        audioThread = Thread.ofPlatform().name("transcode-" + stream + "-audio")
                                .start(() -> audioLoop(out));
                    }
                }
                if (audioQueue != null) {
                    audioQueue.control(new UnitQueue.Track(newAudio));
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
                        && !audioQueue.offer(unit)) {
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
        if (!decodeQueue.offer(unit)) {
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
            decodeQueue.control(new UnitQueue.Discontinuity());
            skipVideoToKeyFrame = true;
        }
        if (audioQueue != null) {
            audioQueue.control(new UnitQueue.Discontinuity());
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
            decodeQueue.control(new UnitQueue.End());
        }
        if (audioQueue != null) {
            audioQueue.control(new UnitQueue.End());
        }
        state = State.ENDED;
    }

    /**
     * Publishes a rendition. When a publisher reconnects at once, the renditions of its previous
     * session may still be draining on their threads and hold the path for a moment, so a
     * conflict is retried for up to {@link #RENDITION_CLAIM_PATIENCE_MILLIS}.
     */
    private StreamPublisher open(String rendition, RungConfig rung) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RENDITION_CLAIM_PATIENCE_MILLIS);
        while (true) {
            try {
                return opener.open(rendition, rung);
            } catch (StreamConflictException e) {
                if (System.nanoTime() > deadline) {
                    log.error("{}: cannot publish rendition {}: {}", stream, rendition, e.getMessage());
                    return null;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
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

    // ---- decode thread ----------------------------------------------------------------

    /** Decode-thread state: what the source said about each queued unit, by PTS. */
    private record SourceFrame(boolean keyFrame, long duration) {
    }

    private final TreeMap<Long, SourceFrame> pending = new TreeMap<>();
    private TrackInfo decoding;
    private boolean rungsMade;
    private long lastKeyPts = Long.MIN_VALUE;
    private long keyFrameIntervalTicks;
    private final List<Thread> rungThreads = new ArrayList<>();

    private void decodeLoop() {
        VideoDecoder decoder = null;
        try {
            while (true) {
                UnitQueue.Event event = decodeQueue.take();
                try {
                    switch (event) {
                        case UnitQueue.Track t -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                                decoder.close();
                                decoder = null;
                            }
                            pending.clear();
                            decoding = t.track();
                            keyFrameIntervalTicks = Math.max(1,
                                    settings.keyFrameInterval().toNanos() * decoding.timescale() / 1_000_000_000L);
                            decoder = new VideoDecoder(decoding, limits.decoderThreads());
                        }
                        case UnitQueue.Unit u -> {
                            if (decoder != null) {
                                AccessUnit unit = u.unit();
                                pending.put(unit.pts(), new SourceFrame(unit.keyFrame(), unit.duration()));
                                decoder.decode(unit, this::fanOut);
                            }
                        }
                        case UnitQueue.Discontinuity d -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                            }
                            pending.clear();
                            lastKeyPts = Long.MIN_VALUE;
                            for (RungEncoder rung : rungs) {
                                rung.queue().control(new RungQueue.Discontinuity());
                            }
                        }
                        case UnitQueue.End e -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                            }
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("{}: video decoding: {}", stream, e.getMessage(), e);
                    if (event instanceof UnitQueue.Track && decoder != null) {
                        decoder.close();
                        decoder = null;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (decoder != null) {
                decoder.close();
            }
            for (RungEncoder rung : rungs) {
                rung.queue().control(new RungQueue.End());
            }
            for (Thread thread : rungThreads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    /** One decoded picture: decide whether it is a key frame, then hand it to every rung. */
    private void fanOut(AVFrame frame) {
        long pts = frame.pts();
        SourceFrame source = pending.remove(pts);
        // Units before this one that never came out were dropped by the decoder.
        pending.headMap(pts).clear();
        if (!rungsMade) {
            makeRungs(frame.width(), frame.height());
            rungsMade = true;
        }
        if (rungs.isEmpty()) {
            return;
        }
        boolean sourceKey = source != null && source.keyFrame();
        boolean key = sourceKey || lastKeyPts == Long.MIN_VALUE || pts - lastKeyPts >= keyFrameIntervalTicks;
        if (key) {
            lastKeyPts = pts;
        }
        long duration = source == null ? 0 : source.duration();
        try {
            offerToRungs(rungs, frame, pts, duration, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands one picture to every rung, smallest first. When a rung's queue is full the picture
     * is dropped for that rung and for every larger one: the machine is not keeping up, and the
     * largest rungs cost the most CPU while mattering least (viewers who can take them can also
     * take the next one down). Key frames are never dropped (see {@link RungQueue#offer}), so
     * IDRs stay aligned across rungs.
     *
     * @param rungs smallest first
     * @param frame the decoded picture; borrowed, each queued picture holds its own reference
     */
    static void offerToRungs(List<RungEncoder> rungs, AVFrame frame, long pts, long duration, boolean key)
            throws InterruptedException {
        boolean shedding = false;
        for (RungEncoder rung : rungs) {
            if (shedding && !key) {
                rung.countDropped();
                continue;
            }
            AVFrame reference = av_frame_clone(frame);
            if (reference == null) {
                rung.countDropped();
                continue;
            }
            RungQueue.Picture picture = new RungQueue.Picture(reference, pts, duration, key);
            switch (rung.queue().offer(picture)) {
                case QUEUED -> {
                }
                case QUEUED_AFTER_EVICTION -> rung.countDropped();
                case REJECTED -> {
                    picture.release();
                    rung.countDropped();
                    shedding = true;
                }
            }
        }
    }

    private void makeRungs(int sourceWidth, int sourceHeight) {
        List<RungEncoder> made = new ArrayList<>();
        for (RungPlanner.Plan plan : RungPlanner.plan(settings.ladder(), sourceWidth, sourceHeight, decoding.codec(),
                decoding.bitrate(), opener::holds)) {
            RungConfig rung = plan.rung();
            switch (plan.decision()) {
                case SKIP -> {
                    log.info("{}: rung {} ({}x{}) is larger than the source ({}x{}); skipped, GlassCast does not upscale",
                            stream, rung.name(), plan.width(), plan.height(), sourceWidth, sourceHeight);
                    continue;
                }
                case UPSCALE -> log.info("{}: rung {} ({}x{}) is larger than this source ({}x{}); upscaled, since "
                        + "players already hold it", stream, rung.name(), plan.width(), plan.height(), sourceWidth,
                        sourceHeight);
                case ENCODE_INSTEAD_OF_COPY -> log.info("{}: copy rung {} carries the {} source as H.264 at {}x{}",
                        stream, rung.name(), decoding.codec(), plan.width(), plan.height());
                case ENCODE -> {
                }
            }
            StreamPublisher out = open(rung.name(), rung);
            if (out == null) {
                continue;
            }
            RungQueue queue = new RungQueue(limits.rungQueueFrames(), limits.overload());
            made.add(new RungEncoder(stream, rung, plan.width(), plan.height(), decoding, out, queue,
                    limits.encoderThreads()));
        }
        made.sort(Comparator.comparingLong(r -> (long) r.width() * r.height()));
        rungs.addAll(made);
        for (RungEncoder rung : made) {
            rungThreads.add(Thread.ofPlatform().name("transcode-" + stream + "-" + rung.rung().name()).start(rung));
            log.info("{}: rung {} encodes {}x{} at {} bit/s", stream, rung.rung().name(), rung.width(), rung.height(),
                    rung.rung().videoBitrate());
        }
    }

    // ---- audio thread -----------------------------------------------------------------

    private void audioLoop(StreamPublisher out) {
        AacTranscoder aac = null;
        TrackInfo[] announced = {null};
        try {
            while (true) {
                UnitQueue.Event event = audioQueue.take();
                AacTranscoder current = aac;
                java.util.function.Consumer<AccessUnit> send = unit -> {
                    TrackInfo track = current.track();
                    if (!track.equals(announced[0])) {
                        announced[0] = track;
                        out.tracks(List.of(track));
                    }
                    out.send(unit);
                };
                try {
                    switch (event) {
                        case UnitQueue.Track t -> {
                            if (aac != null) {
                                aac.drain(send);
                                aac.close();
                                aac = null;
                            }
                            aac = new AacTranscoder(t.track(), settings.audio().bitrate());
                        }
                        case UnitQueue.Unit u -> {
                            if (aac != null) {
                                aac.transcode(u.unit(), send);
                            }
                        }
                        case UnitQueue.Discontinuity d -> {
                            if (aac != null) {
                                aac.discontinuity();
                            }
                            out.discontinuity();
                        }
                        case UnitQueue.End e -> {
                            if (aac != null) {
                                aac.drain(send);
                            }
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("{}: audio transcoding: {}", stream, e.getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (aac != null) {
                aac.close();
            }
            out.close();
        }
    }
}
