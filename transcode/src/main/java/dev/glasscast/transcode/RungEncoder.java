package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transcoded rung of one stream: takes pictures at its size from its {@link RungInput} queue
 * on a thread of its own, encodes them with a {@link VideoEncoder} and publishes the rendition.
 * The decode thread asks it which pictures its frame-rate cap admits ({@link #admits}) before it
 * scales them.
 *
 * <p>Owns (on its thread) the encoder and the rendition's {@link StreamPublisher}, which it
 * closes on {@link RungInput.End}; pictures taken from the queue are released after encoding.
 */
final class RungEncoder implements Runnable {

    /** Lifecycle of the rung's thread. */
    enum State {
        /** Thread started, no picture encoded yet (or again, after a discontinuity). */
        IDLE,
        ENCODING,
        /** The encoder failed; pictures are dropped until the next key frame reopens it. */
        FAILED,
        /** The source ended; the rendition is closed and native memory freed. */
        CLOSED
    }

    private static final Logger log = LoggerFactory.getLogger(RungEncoder.class);

    /** The shortest time between two key frames viewers asked for: many viewers' PLIs cost one IDR. */
    static final long REFRESH_INTERVAL_NANOS = 1_000_000_000L;

    private final String stream;
    private final RungConfig rung;
    private final int width;
    private final int height;
    private final TrackInfo source;
    private final StreamPublisher out;
    private final HandoffQueue<RungInput> queue;
    private final int threads;
    private final LatencyProbe probe;
    private final double frameSpacing;
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong capped = new AtomicLong();
    // Durations of pictures sent to the encoder, by PTS, until their packets come out.
    private final Map<Long, Long> durations = new HashMap<>();
    private volatile State state = State.IDLE;
    private VideoEncoder encoder;
    private TrackInfo announced;
    // Decode thread only (admits): when the next picture is due under the frame-rate cap.
    private double nextDue = Double.NEGATIVE_INFINITY;
    private final RungPace pace;
    /** A viewer asked for a key frame (a WebRTC PLI); taken by the encode thread. */
    private volatile boolean refreshRequested;
    private final AtomicLong refreshes = new AtomicLong();
    // Encode thread only: when the last refresh was made, and the pictures forced to IDR for one.
    private long lastRefreshNanos;
    private boolean refreshedBefore;
    private final Set<Long> refreshPts = new HashSet<>();
    /** The step the open encoder was made with. */
    private RungPace.Step encoderStep = RungPace.Step.AS_CONFIGURED;
    private volatile RungPace.Step step = RungPace.Step.AS_CONFIGURED;
    private final AtomicLong stepDowns = new AtomicLong();
    private long dropsSeen;
    private long lastEncodedPts = Long.MIN_VALUE;

    /**
     * @param stream  the source stream's name, for logs
     * @param rung    the rung's settings
     * @param width   output width
     * @param height  output height
     * @param source  the source video track (timescale, track id, frame rate)
     * @param out     the rendition's publisher; owned from now on (closed on End)
     * @param queue   where the decode thread puts pictures
     * @param threads x264 threads, 0 for x264's choice
     * @param probe   marks each frame as it comes out of the encoder
     * @param pace    steps the encoder down when it falls behind real time ({@link TranscodeLimits#paceFor})
     */
    RungEncoder(String stream, RungConfig rung, int width, int height, TrackInfo source, StreamPublisher out,
                HandoffQueue<RungInput> queue, int threads, LatencyProbe probe, RungPace pace) {
        this.stream = stream;
        this.rung = rung;
        this.width = width;
        this.height = height;
        this.source = source;
        this.out = out;
        this.queue = queue;
        this.threads = threads;
        this.probe = probe;
        this.frameSpacing = rung.maxFps() > 0 ? source.timescale() / rung.maxFps() : 0;
        this.pace = pace;
    }

    RungConfig rung() {
        return rung;
    }

    HandoffQueue<RungInput> queue() {
        return queue;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The size of the pictures this rung takes. */
    PictureCascade.Size size() {
        return new PictureCascade.Size(width, height);
    }

    /** x264 threads this rung's encoder gets, 0 for x264's choice. */
    int threads() {
        return threads;
    }

    State state() {
        return state;
    }

    long encodedFrames() {
        return encoded.get();
    }

    /** How far the rung has stepped down to keep real time ({@link RungPace}). */
    RungPace.Step step() {
        return step;
    }

    /**
     * Asks for a key frame soon, at most one per {@link #REFRESH_INTERVAL_NANOS}: a WebRTC
     * viewer's decoder lost its reference (PLI, FIR). The IDR goes out marked as no random-access
     * point, so HLS and DASH cut segments where every rung does and the rungs stay aligned; a
     * WebRTC sender sees it is an IDR by its NAL units.
     */
    void requestRefresh() {
        refreshRequested = true;
    }

    /** Key frames made at viewers' requests so far. */
    long refreshes() {
        return refreshes.get();
    }

    /** Steps down so far. */
    long stepDowns() {
        return stepDowns.get();
    }

    /** Pictures this rung never encoded because it fell behind (counted by the decode thread). */
    long droppedFrames() {
        return dropped.get();
    }

    void countDropped() {
        long total = dropped.incrementAndGet();
        // Once, then every 300 pictures (10 s at 30 fps): enough to notice, not a flood.
        if (total == 1 || total % 300 == 0) {
            log.warn("{}/{}: encoding falls behind real time; {} pictures dropped so far", stream, rung.name(), total);
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                RungInput item = queue.take();
                switch (item) {
                    case RungInput.Picture picture -> {
                        try {
                            encode(picture);
                        } finally {
                            picture.release();
                        }
                    }
                    case RungInput.Discontinuity d -> {
                        finishEncoder();
                        out.discontinuity();
                    }
                    case RungInput.End e -> {
                        finishEncoder();
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeEncoder();
            queue.clear();
            out.close();
            state = State.CLOSED;
            log.debug("{}/{}: closed after {} pictures ({} dropped, {} over max_fps)", stream, rung.name(),
                    encoded.get(), dropped.get(), capped.get());
        }
    }

    private void encode(RungInput.Picture picture) {
        if (encoder == null && !picture.keyFrame()) {
            // x264 starts every stream with an IDR: starting anywhere but at a key frame would
            // put this rung's IDR off the grid the other rungs share.
            return;
        }
        try {
            if (encoder != null && picture.keyFrame() && step != encoderStep) {
                // The headers stay the same across steps, so the rendition carries on in its period.
                finishEncoder();
            }
            if (encoder == null) {
                encoderStep = step;
                encoder = new VideoEncoder(rung, width, height, source, outputFrameRate(), threads, encoderStep);
                if (!encoder.track().equals(announced)) {
                    announced = encoder.track();
                    out.tracks(List.of(announced));
                }
                state = State.ENCODING;
            }
            double spacing = spacing();
            long duration = spacing > 0 ? Math.max(picture.duration(), Math.round(spacing)) : picture.duration();
            durations.put(picture.pts(), duration);
            long started = System.nanoTime();
            boolean refresh = !picture.keyFrame() && refreshDue(started);
            if (refresh) {
                refreshPts.add(picture.pts());
            }
            encoder.encode(picture.frame(), picture.pts(), duration, picture.keyFrame() || refresh, this::send);
            keepPace(System.nanoTime() - started, picture);
            encoded.incrementAndGet();
        } catch (RuntimeException e) {
            // Whatever failed, this thread must keep taking pictures: a rung that stops would
            // fill its queue and make every larger rung drop with it.
            if (state != State.FAILED) {
                log.error("{}/{}: {}; retrying at the next key frame", stream, rung.name(), e.getMessage(), e);
            }
            closeEncoder();
            state = State.FAILED;
        }
    }

    /** Whether to force an IDR now for a viewer's request, rate-limited. */
    private boolean refreshDue(long nowNanos) {
        if (!refreshRequested || refreshedBefore && nowNanos - lastRefreshNanos < REFRESH_INTERVAL_NANOS) {
            return false;
        }
        refreshRequested = false;
        refreshedBefore = true;
        lastRefreshNanos = nowNanos;
        refreshes.incrementAndGet();
        if (refreshPts.size() > 16) {
            refreshPts.clear(); // the encoder dropped those pictures; nothing will come back for them
        }
        return true;
    }

    /** Feeds the pace with this picture's encoding time; logs a step once, when it is taken. */
    private void keepPace(long encodeNanos, RungInput.Picture picture) {
        long pictureTicks = lastEncodedPts == Long.MIN_VALUE || picture.pts() <= lastEncodedPts
                ? picture.duration() : picture.pts() - lastEncodedPts;
        lastEncodedPts = picture.pts();
        RungPace.Step before = step;
        long drops = dropped.get();
        if (drops > dropsSeen) {
            dropsSeen = drops;
            pace.dropped();
        }
        RungPace.Step after = pace.encoded(encodeNanos, pictureTicks * 1_000_000_000L / Math.max(1, source.timescale()));
        if (after != before) {
            step = after;
            if (after.ordinal() > before.ordinal()) {
                stepDowns.incrementAndGet();
                log.warn("{}/{}: encoding falls behind real time; stepping down to {} from the next key frame",
                        stream, rung.name(), after.describe());
            } else {
                log.info("{}/{}: headroom again; stepping back up to {}", stream, rung.name(), after.describe());
            }
        }
    }

    /** Source ticks between encoded pictures: {@code max_fps}, or 30 fps at the half-rate step; 0 for all. */
    private double spacing() {
        return step == RungPace.Step.HALF_RATE ? Math.max(frameSpacing, source.timescale() / 30.0) : frameSpacing;
    }

    /**
     * Whether this rung encodes the picture at {@code pts}, or leaves it out to keep to its
     * {@code max_fps} (30 fps at the half-rate step). Key frames are always admitted. Called by
     * the decode thread only, before it scales the picture, so a picture that no rung encodes is
     * never scaled.
     */
    boolean admits(long pts, boolean keyFrame) {
        double frameSpacing = spacing();
        if (frameSpacing <= 0) {
            return true;
        }
        // A quarter period of slack absorbs timestamp jitter without letting the rate through.
        if (!keyFrame && pts + frameSpacing / 4 < nextDue) {
            capped.incrementAndGet();
            return false;
        }
        nextDue = pts - nextDue > frameSpacing ? pts + frameSpacing : nextDue + frameSpacing;
        return true;
    }

    /** The source's timeline broke: the frame-rate cap starts over. Decode thread only. */
    void restartFrameRateCap() {
        nextDue = Double.NEGATIVE_INFINITY;
    }

    private double outputFrameRate() {
        double sourceRate = source.frameRate();
        if (rung.maxFps() > 0 && (sourceRate <= 0 || sourceRate > rung.maxFps())) {
            return rung.maxFps();
        }
        return sourceRate;
    }

    private void send(AccessUnit unit) {
        if (refreshPts.remove(unit.pts()) && unit.keyFrame()) {
            unit = new AccessUnit(unit.trackId(), unit.dts(), unit.pts(), unit.duration(), false, unit.data());
        }
        probe.encoded(rung.name(), unit.pts());
        Long duration = durations.remove(unit.pts());
        if (unit.duration() == 0 && duration != null) {
            unit = unit.withDuration(duration);
        }
        out.send(unit);
    }

    private void finishEncoder() {
        if (encoder != null) {
            try {
                encoder.drain(this::send);
            } catch (TranscodeException e) {
                log.warn("{}/{}: draining the encoder: {}", stream, rung.name(), e.getMessage());
            }
            closeEncoder();
        }
    }

    private void closeEncoder() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
        durations.clear();
        if (state == State.ENCODING) {
            state = State.IDLE;
        }
    }
}
