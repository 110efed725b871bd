package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode thread of one source stream ({@code transcode-<stream>-decode}): decodes the source
 * video once, scales each picture once per rung size in a cascade ({@link PictureCascade}: each
 * size from the nearest larger one) and hands every transcoded rung its picture, deciding once
 * for all rungs which pictures become key frames, so IDRs line up across the ladder.
 *
 * <p>Takes {@link SourceEvent}s from the queue the reader thread fills. Owns the decoder and the
 * rungs' threads: it makes the rungs at the first decoded picture (their sizes follow from it),
 * starts one thread per rung, and at the end signals each rung to finish and joins it. All its
 * state but {@link #rungs()} is touched by its own thread only.
 *
 * <p>Rung sizes are fixed by the first decoded picture; if the source's resolution changes
 * mid-stream (new codec configuration), the decoder is reopened and later pictures are scaled
 * into the same rung sizes.
 */
final class VideoFanOut implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(VideoFanOut.class);

    /** What the source said about each queued unit, by PTS, until its picture comes out. */
    private record SourceFrame(boolean keyFrame, long duration) {
    }

    private final String stream;
    private final TranscodeSettings settings;
    private final TranscodeLimits limits;
    private final DoubleSupplier encoderSpeed;
    private volatile List<String> autoLadderReasons = List.of();
    private final RenditionClaimer renditions;
    private final HandoffQueue<SourceEvent> queue;
    private final LatencyProbe probe;
    // Read by other threads (status, drain); written here once.
    private final List<RungEncoder> rungs = new CopyOnWriteArrayList<>();

    private final TreeMap<Long, SourceFrame> pending = new TreeMap<>();
    private final PictureCascade cascade = new PictureCascade();
    // Whether scaling this track's pictures failed already: said once, not once a picture.
    private boolean scalingFailed;
    private final List<Thread> rungThreads = new ArrayList<>();
    private TrackInfo decoding;
    private boolean rungsMade;
    private long lastKeyPts = Long.MIN_VALUE;
    private long keyFrameIntervalTicks;

    /**
     * @param renditions claims the transcoded rungs' renditions
     * @param queue      what the reader thread hands this thread
     * @param probe      marks each picture as it comes out of the decoder; handed to the rungs
     * @param encoderSpeed this machine's x264 pixels per second, read once if the ladder is {@code auto}
     */
    VideoFanOut(String stream, TranscodeSettings settings, TranscodeLimits limits, RenditionClaimer renditions,
                HandoffQueue<SourceEvent> queue, LatencyProbe probe, DoubleSupplier encoderSpeed) {
        this.encoderSpeed = encoderSpeed;
        this.stream = stream;
        this.settings = settings;
        this.limits = limits;
        this.renditions = renditions;
        this.queue = queue;
        this.probe = probe;
    }

    /** What {@code ladder: auto} chose and why, once the first picture has been decoded. */
    List<String> autoLadderReasons() {
        return autoLadderReasons;
    }

    /** The transcoded rungs made so far, smallest first. */
    List<RungEncoder> rungs() {
        return List.copyOf(rungs);
    }

    @Override
    public void run() {
        VideoDecoder decoder = null;
        try {
            while (true) {
                SourceEvent event = queue.take();
                try {
                    switch (event) {
                        case SourceEvent.Track t -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                                decoder.close();
                                decoder = null;
                            }
                            pending.clear();
                            scalingFailed = false;
                            decoding = t.track();
                            keyFrameIntervalTicks = Math.max(1,
                                    settings.keyFrameInterval().toNanos() * decoding.timescale() / 1_000_000_000L);
                            decoder = new VideoDecoder(decoding, limits.decoderThreads());
                        }
                        case SourceEvent.Unit u -> {
                            if (decoder != null) {
                                AccessUnit unit = u.unit();
                                pending.put(unit.pts(), new SourceFrame(unit.keyFrame(), unit.duration()));
                                decoder.decode(unit, this::fanOut);
                            }
                        }
                        case SourceEvent.Discontinuity d -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                            }
                            pending.clear();
                            lastKeyPts = Long.MIN_VALUE;
                            for (RungEncoder rung : rungs) {
                                rung.restartFrameRateCap();
                                rung.queue().signal(new RungInput.Discontinuity());
                            }
                        }
                        case SourceEvent.End e -> {
                            if (decoder != null) {
                                decoder.drain(this::fanOut);
                            }
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("{}: video decoding: {}", stream, e.getMessage(), e);
                    if (event instanceof SourceEvent.Track && decoder != null) {
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
            cascade.close();
            for (RungEncoder rung : rungs) {
                rung.queue().signal(new RungInput.End());
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

    /**
     * One decoded picture: decide whether it is a key frame, scale it for every rung whose
     * frame-rate cap admits it, and hand each its picture.
     */
    private void fanOut(AVFrame frame) {
        long pts = frame.pts();
        if (probe.enabled()) {
            probe.decoded(pts, BenchmarkStamp.read(frame));
        }
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
        List<RungEncoder> admitted = new ArrayList<>(rungs.size());
        for (RungEncoder rung : rungs) {
            if (rung.admits(pts, key)) {
                admitted.add(rung);
            }
        }
        if (admitted.isEmpty()) {
            return;
        }
        Map<PictureCascade.Size, AVFrame> pictures;
        try {
            pictures = cascade.scale(frame, admitted.stream().map(RungEncoder::size).toList());
        } catch (TranscodeException e) {
            if (!scalingFailed) {
                scalingFailed = true;
                log.error("{}: scaling this {} source for its rungs: {}; its pictures are dropped", stream,
                        decoding.codec(), e.getMessage());
            }
            admitted.forEach(RungEncoder::countDropped);
            return;
        }
        try {
            offerToRungs(admitted, rung -> pictures.get(rung.size()), pts, duration, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            PictureCascade.release(pictures);
        }
    }

    /**
     * Hands one picture to every rung, smallest first. When a rung's queue is full the picture
     * is dropped for that rung and for every larger one: the machine is not keeping up, and the
     * largest rungs cost the most CPU while mattering least (viewers who can take them can also
     * take the next one down). Key frames are never dropped (see {@link RungInput#queue}), so
     * IDRs stay aligned across rungs.
     *
     * @param rungs      smallest first
     * @param pictureFor each rung's picture, at its size; borrowed, each queued picture holds its
     *                   own reference
     */
    static void offerToRungs(List<RungEncoder> rungs, Function<RungEncoder, AVFrame> pictureFor, long pts,
                             long duration, boolean key) throws InterruptedException {
        boolean shedding = false;
        for (RungEncoder rung : rungs) {
            if (shedding && !key) {
                rung.countDropped();
                continue;
            }
            AVFrame reference = av_frame_clone(pictureFor.apply(rung));
            if (reference == null) {
                rung.countDropped();
                continue;
            }
            RungInput.Picture picture = new RungInput.Picture(reference, pts, duration, key);
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

    /** The configured ladder, with an {@code auto} rung replaced by what {@link AutoLadder} chooses here. */
    private List<RungConfig> ladderFor(int sourceWidth, int sourceHeight) {
        List<RungConfig> ladder = new ArrayList<>();
        for (RungConfig rung : settings.ladder()) {
            if (!rung.isAuto()) {
                ladder.add(rung);
                continue;
            }
            AutoLadder.Choice choice = AutoLadder.choose(rung, sourceWidth, sourceHeight, decoding.frameRate(),
                    decoding.codec(), encoderSpeed.getAsDouble(), renditions::holds);
            ladder.addAll(choice.rungs());
            autoLadderReasons = choice.reasons();
            log.info("{}: ladder auto for this {}x{} {} source: {}", stream, sourceWidth, sourceHeight,
                    decoding.codec(), String.join("; ", choice.reasons()));
        }
        return ladder;
    }

    private void makeRungs(int sourceWidth, int sourceHeight) {
        List<RungEncoder> made = new ArrayList<>();
        List<RungPlanner.Plan> plans = RungPlanner.plan(ladderFor(sourceWidth, sourceHeight), sourceWidth, sourceHeight,
                decoding.codec(), decoding.bitrate(), renditions::holds);
        long ladderPixels = plans.stream().filter(plan -> plan.decision() != RungPlanner.Decision.SKIP)
                .mapToLong(plan -> (long) plan.width() * plan.height()).sum();
        int cores = Runtime.getRuntime().availableProcessors();
        for (RungPlanner.Plan plan : plans) {
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
                case ENCODE_HEVC_FOR_LISTED -> log.info("{}: rendition {} carried an earlier HEVC source and players "
                        + "hold it; this {} source is encoded to HEVC for it at {}x{}", stream, rung.name(),
                        decoding.codec(), plan.width(), plan.height());
                case ENCODE -> {
                }
            }
            StreamPublisher out = renditions.claim(rung.name(), rung);
            if (out == null) {
                continue;
            }
            HandoffQueue<RungInput> rungQueue = RungInput.queue(limits.rungQueueFrames(), limits.overload());
            int threads = limits.encoderThreadsFor((long) plan.width() * plan.height(), ladderPixels, cores);
            made.add(new RungEncoder(stream, rung, plan.width(), plan.height(), decoding, out, rungQueue,
                    threads, probe, limits.paceFor(decoding.frameRate())));
        }
        made.sort(Comparator.comparingLong(r -> (long) r.width() * r.height()));
        rungs.addAll(made);
        for (RungEncoder rung : made) {
            rungThreads.add(Thread.ofPlatform().name("transcode-" + stream + "-" + rung.rung().name()).start(rung));
            log.info("{}: rung {} encodes {}x{} at {} bit/s with {} x264 thread(s)", stream, rung.rung().name(),
                    rung.width(), rung.height(), rung.rung().videoBitrate(), rung.threads());
        }
    }
}
