package dev.glasscast.packager.window;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import dev.glasscast.packager.fmp4.Fmp4Sample;
import dev.glasscast.packager.fmp4.Fmp4Track;
import dev.glasscast.packager.fmp4.TimescaleConverter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the access units of one single-track rendition into fMP4 parts and segments and
 * publishes each new state as an immutable {@link RenditionSnapshot}.
 *
 * <p>Cutting: a part closes once it holds at least {@code partDuration} of samples; a video
 * segment closes before the first key frame at or after {@code segmentDuration} from its start;
 * an audio segment before the first frame at or after the next multiple of
 * {@code segmentDuration} from the rendition's start (a grid, so audio segments average exactly
 * the target). A sample's duration is the distance to the next sample's decode time, so one
 * sample per track is held back until the next one arrives.
 *
 * <p>Timestamps are converted to the output timescale as absolute values, and durations taken as
 * differences of converted values, so rounding never accumulates. Decode times must not be
 * negative (ingest starts timelines at zero or later); units that are, or that go backwards,
 * are dropped and counted.
 *
 * <p>Threading: the hub calls the {@link StreamReader} methods from one thread; the store may
 * call {@link #release()} from another, so both take this object's monitor. Readers never lock:
 * they read {@link #snapshot()}, a volatile immutable value.
 */
final class RenditionSegmenter implements StreamReader {

    private static final Logger log = LoggerFactory.getLogger(RenditionSegmenter.class);
    private static final int AAC_FRAME_SAMPLES = 1024;

    enum State {
        /** No usable track announced yet. */
        AWAITING_TRACKS,
        /** Track known; waiting for the first sample a segment can start with. */
        AWAITING_SYNC_SAMPLE,
        /** A segment is open. */
        SEGMENTING,
        /** The publisher stopped; the last segment is closed. */
        ENDED,
        /** The store let go of this rendition; its buffers are released. */
        RELEASED
    }

    private final StreamPath path;
    private final SegmentStoreLimits limits;
    private final Fmp4InitSegmentWriter initWriter;
    private final Fmp4FragmentWriter fragmentWriter;
    private final Clock clock;

    private State state = State.AWAITING_TRACKS;
    private TrackInfo track;
    private Fmp4Track format;
    private TimescaleConverter converter;
    private SegmentBytes init;
    private long segmentTarget;
    private long partTarget;

    private AccessUnit heldBack;
    private long heldBackDts;
    private long lastSampleDuration;
    private long droppedUnits;
    private boolean unusableTracksLogged;

    private long nextSequence;
    private long discontinuitySequence;
    private boolean discontinuityPending;
    private long nextFragmentSequence = 1;
    private final List<MediaSegment> segments = new ArrayList<>();
    private final List<InitSegment> inits = new ArrayList<>();
    private final Consumer<RenditionSnapshot> onPublish;
    private final RenditionRecorder recorder;
    private long maxSegmentDuration;

    private long segmentStart;
    private long segmentDeadline;
    /** What the open segment will last, decided as it opens; see {@link #predictedDuration}. */
    private long openSegmentDuration;
    /** The last closed segment's duration within this publication's timeline; 0 after a break. */
    private long previousDuration;
    private Instant segmentProgramDateTime;
    private final List<SegmentPart> openParts = new ArrayList<>();

    private final List<Fmp4Sample> partSamples = new ArrayList<>();
    private long partStart;
    private long partDuration;

    /** Wall clock and decode time of one sample, from which every program date-time derives. */
    private Instant anchorWallClock;
    private long anchorTime;

    private volatile RenditionSnapshot snapshot;
    private volatile Instant endedAt;

    /**
     * @param firstSequence         media sequence number of the first segment (continues a
     *                              previous publication of the same path)
     * @param discontinuitySequence discontinuity sequence of the first segment
     * @param startsDiscontinuous   true if the first segment follows segments of an earlier
     *                              publication of the same path
     */
    RenditionSegmenter(StreamPath path, SegmentStoreLimits limits, Fmp4InitSegmentWriter initWriter,
                       Fmp4FragmentWriter fragmentWriter, Clock clock, long firstSequence,
                       long discontinuitySequence, boolean startsDiscontinuous) {
        this(path, limits, initWriter, fragmentWriter, clock,
                new PublicationHandover(List.of(), List.of(), 0, firstSequence, discontinuitySequence), snapshot -> { },
                RenditionRecorder.NONE);
        this.discontinuityPending = startsDiscontinuous;
    }

    /**
     * @param carried   what an earlier publication of the same path left: its segments and init
     *                  segments (ownership passes to this segmenter, so a player sees the old
     *                  segments, a discontinuity, then the new ones) and where numbering continues
     * @param onPublish told of every new snapshot, on the publishing thread, with this object's
     *                  monitor held: it must only hand the snapshot on
     */
    RenditionSegmenter(StreamPath path, SegmentStoreLimits limits, Fmp4InitSegmentWriter initWriter,
                       Fmp4FragmentWriter fragmentWriter, Clock clock, PublicationHandover carried,
                       Consumer<RenditionSnapshot> onPublish) {
        this(path, limits, initWriter, fragmentWriter, clock, carried, onPublish, RenditionRecorder.NONE);
    }

    /**
     * @param recorder told of every closed segment and of the end; gives back the recorded copy
     *                 of segments older than the memory window, which then replace the ones in
     *                 memory
     */
    RenditionSegmenter(StreamPath path, SegmentStoreLimits limits, Fmp4InitSegmentWriter initWriter,
                       Fmp4FragmentWriter fragmentWriter, Clock clock, PublicationHandover carried,
                       Consumer<RenditionSnapshot> onPublish, RenditionRecorder recorder) {
        this.recorder = recorder;
        this.path = path;
        this.limits = limits;
        this.initWriter = initWriter;
        this.fragmentWriter = fragmentWriter;
        this.clock = clock;
        this.onPublish = onPublish;
        this.nextSequence = carried.nextSequence();
        this.discontinuitySequence = carried.discontinuitySequence();
        this.segments.addAll(carried.segments());
        this.inits.addAll(carried.inits());
        this.maxSegmentDuration = carried.maxSegmentDuration();
        this.discontinuityPending = !carried.segments().isEmpty();
        // Until the new publication's first frame arrives, players keep reading what was handed over:
        // a rendition that vanished for that moment would 404 a player reloading its playlist.
        this.snapshot = carried.bridge();
    }

    /**
     * What one publication hands to the next publication of the same path.
     *
     * @param segments     closed segments still held, oldest first
     * @param inits        init segments those segments need
     * @param nextSequence where numbering continues
     */
    record PublicationHandover(List<MediaSegment> segments, List<InitSegment> inits, long maxSegmentDuration,
                     long nextSequence, long discontinuitySequence, RenditionSnapshot bridge) {

        PublicationHandover(List<MediaSegment> segments, List<InitSegment> inits, long maxSegmentDuration,
                  long nextSequence, long discontinuitySequence) {
            this(segments, inits, maxSegmentDuration, nextSequence, discontinuitySequence, null);
        }
    }

    /** The latest published state, or null until the init segment exists. */
    RenditionSnapshot snapshot() {
        return snapshot;
    }

    /** When the publisher stopped, or null while live. */
    Instant endedAt() {
        return endedAt;
    }

    synchronized State state() {
        return state;
    }

    synchronized long nextSequence() {
        return nextSequence;
    }

    synchronized long discontinuitySequence() {
        return discontinuitySequence;
    }

    synchronized long droppedUnits() {
        return droppedUnits;
    }

    @Override
    public synchronized void onTracks(List<TrackInfo> tracks) {
        if (state == State.RELEASED || state == State.ENDED) {
            return;
        }
        TrackInfo chosen = chooseTrack(tracks);
        if (chosen == null) {
            if (!unusableTracksLogged) {
                unusableTracksLogged = true;
                log.warn("{}: no H.264 or AAC track among {}; not packaging it", path, tracks);
            }
            return;
        }
        if (chosen.sameCodecParameters(track)) {
            // Same codec parameters (a new bitrate or frame-rate estimate): the init segment holds.
            track = chosen;
            return;
        }
        startPeriod(chosen);
    }

    /**
     * Starts a period for a new track, or for a change of the track's codec parameters: what is
     * open closes, a new init segment follows a discontinuity, and the new track's timestamps
     * get their own converter. The timeline itself continues: the transcoder rebases timestamps
     * before they get here.
     */
    private void startPeriod(TrackInfo chosen) {
        List<InitSegment> unused = new ArrayList<>();
        if (track != null) {
            log.info("{}: track changed from {} to {}; a new period begins", path, track, chosen);
            if (state == State.SEGMENTING) {
                flush();
            }
            discontinuityPending |= !segments.isEmpty();
            anchorWallClock = null;
            // Counted in the old period's timescale: no prediction for the new one's first segment.
            previousDuration = 0;
            // No segment decoded with the last init segment, and no playlist named it: replace it.
            if (!inits.isEmpty() && inits.getLast().firstSequence() == nextSequence) {
                unused.add(inits.removeLast());
            }
        }
        int previousTimescale = format == null ? 0 : format.timescale();
        track = chosen;
        format = Fmp4Track.of(chosen);
        converter = new TimescaleConverter(chosen.timescale(), format.timescale());
        segmentTarget = ticks(limits.segmentDuration());
        partTarget = ticks(limits.partDuration());
        if (previousTimescale != 0 && previousTimescale != format.timescale()) {
            // Target durations never shrink, whatever the unit they are counted in.
            maxSegmentDuration = -Math.floorDiv(-maxSegmentDuration * format.timescale(), previousTimescale);
        }
        init = new SegmentBytes(initWriter.write(format));
        inits.add(new InitSegment(nextSequence, init, chosen));
        state = State.AWAITING_SYNC_SAMPLE;
        unused.addAll(dropUnusedInits());
        publish();
        releaseInits(unused);
    }

    private static TrackInfo chooseTrack(List<TrackInfo> tracks) {
        for (TrackInfo candidate : tracks) {
            if (candidate.isVideo() && Fmp4Track.isSupported(candidate.codec())) {
                return candidate;
            }
        }
        for (TrackInfo candidate : tracks) {
            if (Fmp4Track.isSupported(candidate.codec())) {
                return candidate;
            }
        }
        return null;
    }


    @Override
    public synchronized void onAccessUnit(AccessUnit unit) {
        if (track == null || unit.trackId() != track.trackId()) {
            return;
        }
        switch (state) {
            case AWAITING_TRACKS, ENDED, RELEASED -> {
                return;
            }
            case AWAITING_SYNC_SAMPLE -> {
                if (!isSync(unit) || !acceptable(unit)) {
                    return;
                }
                long dts = converter.convert(unit.dts());
                openSegment(dts, dts + segmentTarget);
                state = State.SEGMENTING;
                hold(unit, dts);
            }
            case SEGMENTING -> {
                if (!acceptable(unit)) {
                    return;
                }
                long dts = converter.convert(unit.dts());
                if (dts <= heldBackDts) {
                    drop(unit, "decode time does not advance");
                    return;
                }
                commitHeldBack(dts - heldBackDts);
                if (dts >= segmentDeadline && isSync(unit)) {
                    closeSegment();
                    long deadline = track.isVideo()
                            ? dts + segmentTarget
                            : nextGridDeadline(dts);
                    openSegment(dts, deadline);
                }
                hold(unit, dts);
            }
        }
    }

    private long nextGridDeadline(long dts) {
        long deadline = segmentDeadline + segmentTarget;
        while (deadline <= dts) {
            deadline += segmentTarget;
        }
        return deadline;
    }

    private boolean isSync(AccessUnit unit) {
        return !track.isVideo() || unit.keyFrame();
    }

    private boolean acceptable(AccessUnit unit) {
        if (unit.dts() < 0) {
            drop(unit, "negative decode time");
            return false;
        }
        return true;
    }

    private void drop(AccessUnit unit, String why) {
        droppedUnits++;
        if (droppedUnits == 1 || droppedUnits % 1000 == 0) {
            log.warn("{}: dropped {} ({}), {} so far", path, unit, why, droppedUnits);
        }
    }

    private void hold(AccessUnit unit, long dts) {
        heldBack = unit;
        heldBackDts = dts;
        if (anchorWallClock == null) {
            anchorWallClock = clock.instant();
            anchorTime = dts;
        }
    }

    /** Appends the held-back sample, now that its duration is known, to the open part. */
    private void commitHeldBack(long duration) {
        AccessUnit unit = heldBack;
        heldBack = null;
        long compositionOffset = converter.convert(unit.pts()) - heldBackDts;
        if (compositionOffset != (int) compositionOffset) {
            log.warn("{}: composition offset {} out of range in {}; using 0", path, compositionOffset, unit);
            compositionOffset = 0;
        }
        Fmp4Sample sample = new Fmp4Sample(duration, (int) compositionOffset, isSync(unit), unit.data());
        if (partSamples.isEmpty()) {
            partStart = heldBackDts;
        }
        partSamples.add(sample);
        partDuration += duration;
        lastSampleDuration = duration;
        if (partDuration >= partTarget) {
            closePart();
        }
    }

    /** The held-back sample's duration when no next sample will come. */
    private long guessHeldBackDuration() {
        AccessUnit unit = heldBack;
        if (unit.duration() > 0) {
            return converter.convert(unit.dts() + unit.duration()) - heldBackDts;
        }
        if (lastSampleDuration > 0) {
            return lastSampleDuration;
        }
        if (track.isVideo() && track.frameRate() > 0) {
            return Math.round(format.timescale() / track.frameRate());
        }
        return track.isVideo() ? format.timescale() / 30 : AAC_FRAME_SAMPLES;
    }

    private void openSegment(long start, long deadline) {
        segmentStart = start;
        segmentDeadline = deadline;
        segmentProgramDateTime = programDateTime(start);
        openSegmentDuration = predictedDuration(start, deadline);
    }

    /**
     * What the segment opening at {@code start} will last if the source keeps its cadence.
     * Low-latency DASH publishes this before the segment closes, and DASH-IF IOP forbids
     * changing a timeline entry once published. Audio is exact: AAC frames are contiguous, and the
     * segment closes before the first frame at or after {@code deadline}. Video closes at a key
     * frame, so the previous segment's length (a regular GOP) is the best guess, else the target
     * rounded up to whole frames.
     */
    private long predictedDuration(long start, long deadline) {
        if (!track.isVideo()) {
            long frame = track.sampleRate() > 0
                    ? Math.max(1, (long) AAC_FRAME_SAMPLES * format.timescale() / track.sampleRate())
                    : AAC_FRAME_SAMPLES;
            return Math.ceilDiv(deadline - start, frame) * frame;
        }
        if (previousDuration > 0) {
            return previousDuration;
        }
        long frame = track.frameRate() > 0 ? Math.round(format.timescale() / track.frameRate()) : 0;
        return frame > 0 ? Math.ceilDiv(deadline - start, frame) * frame : deadline - start;
    }

    private Instant programDateTime(long time) {
        if (anchorWallClock == null) {
            return clock.instant();
        }
        long nanos = Math.round((time - anchorTime) * 1e9 / format.timescale());
        return anchorWallClock.plusNanos(nanos);
    }

    private void closePart() {
        if (partSamples.isEmpty()) {
            return;
        }
        SegmentBytes bytes = new SegmentBytes(fragmentWriter.write(nextFragmentSequence++, partStart, partSamples));
        openParts.add(new SegmentPart(partStart, partDuration, partSamples.getFirst().sync(), bytes));
        partSamples.clear();
        partDuration = 0;
        publish();
    }

    private void closeSegment() {
        closePart();
        if (openParts.isEmpty()) {
            return;
        }
        SegmentPart last = openParts.getLast();
        long duration = last.startTime() + last.duration() - segmentStart;
        if (discontinuityPending) {
            discontinuitySequence++;
        }
        MediaSegment segment = new MediaSegment(nextSequence++, discontinuitySequence, discontinuityPending,
                segmentStart, duration, format.timescale(), segmentProgramDateTime, openParts, clock.instant());
        discontinuityPending = false;
        openParts.clear();
        openSegmentDuration = 0; // until the next segment opens and decides its own
        segments.add(segment);
        maxSegmentDuration = Math.max(maxSegmentDuration, duration);
        previousDuration = duration;
        recorder.closed(path, track, inits.getLast(), segment);
        List<MediaSegment> evicted = spill();
        evicted.addAll(evict());
        List<InitSegment> unused = dropUnusedInits();
        publish();
        // Only after readers can no longer find them in the snapshot (bytes on disk need nothing).
        for (MediaSegment gone : evicted) {
            releaseParts(gone.parts());
        }
        releaseInits(unused);
    }

    /** Removes the init segments of earlier publications none of whose segments are held. */
    private List<InitSegment> dropUnusedInits() {
        List<InitSegment> unused = new ArrayList<>();
        long oldestHeld = segments.isEmpty() ? nextSequence : segments.getFirst().sequence();
        while (inits.size() > 1 && inits.get(1).firstSequence() <= oldestHeld) {
            unused.add(inits.removeFirst());
        }
        return unused;
    }

    private static void releaseInits(List<InitSegment> unused) {
        for (InitSegment gone : unused) {
            gone.bytes().release();
        }
    }

    /**
     * Ends this publication for a new one of the same path: flushes what is open and gives away
     * the segments and init segments (which this object then no longer releases).
     */
    synchronized PublicationHandover handOver() {
        if (state == State.RELEASED) {
            return new PublicationHandover(List.of(), List.of(), 0, nextSequence, discontinuitySequence);
        }
        if (state == State.SEGMENTING) {
            flush();
        }
        RenditionSnapshot bridge = init == null || inits.isEmpty() ? null : new RenditionSnapshot(path, track, format, init, segments,
                List.of(), maxSegmentDuration, false, clock.instant(), nextSequence, inits, !segments.isEmpty());
        PublicationHandover carried = new PublicationHandover(List.copyOf(segments), List.copyOf(inits), maxSegmentDuration,
                nextSequence, discontinuitySequence, bridge);
        state = State.RELEASED;
        snapshot = null;
        segments.clear();
        inits.clear();
        releaseParts(openParts);
        openParts.clear();
        partSamples.clear();
        heldBack = null;
        return carried;
    }

    /**
     * Replaces segments older than the memory window by their recorded copies, where the
     * recorder has them durably (a segment it has not written yet stays in memory until it has).
     *
     * @return the in-memory segments replaced, whose parts the caller releases
     */
    private List<MediaSegment> spill() {
        List<MediaSegment> replaced = new ArrayList<>();
        int olderThanMemory = segments.size() - limits.memorySegments();
        for (int i = 0; i < olderThanMemory; i++) {
            MediaSegment held = segments.get(i);
            if (held.inMemory()) {
                MediaSegment onDisk = recorder.recorded(path, held);
                if (onDisk != null) {
                    segments.set(i, onDisk);
                    replaced.add(held);
                }
            }
        }
        return replaced;
    }

    /** Drops the oldest segments beyond the minimum count once the rest still cover the DVR window. */
    private List<MediaSegment> evict() {
        List<MediaSegment> evicted = new ArrayList<>();
        // In nanoseconds: segments of earlier periods may count time in another timescale.
        long window = limits.dvrWindow().toNanos();
        long held = 0;
        for (MediaSegment segment : segments) {
            held += nanos(segment);
        }
        while (segments.size() > limits.minimumSegments() && held - nanos(segments.getFirst()) >= window) {
            MediaSegment oldest = segments.removeFirst();
            held -= nanos(oldest);
            evicted.add(oldest);
        }
        return evicted;
    }

    /** Closes the held-back sample and the open segment, e.g. before a break in the timeline. */
    private void flush() {
        if (heldBack != null) {
            commitHeldBack(Math.max(1, guessHeldBackDuration()));
        }
        closeSegment();
    }

    @Override
    public synchronized void onDiscontinuity() {
        if (state != State.SEGMENTING) {
            discontinuityPending |= !segments.isEmpty();
            return;
        }
        flush();
        discontinuityPending = true;
        anchorWallClock = null;
        previousDuration = 0;
        state = State.AWAITING_SYNC_SAMPLE;
        publish();
    }

    @Override
    public synchronized void onUnpublished() {
        if (state == State.RELEASED || state == State.ENDED) {
            return;
        }
        if (state == State.SEGMENTING) {
            flush();
        }
        state = State.ENDED;
        endedAt = clock.instant();
        recorder.ended(path);
        publish();
        log.debug("{}: ended with {} segments held", path, segments.size());
    }

    /** Lets go of every buffer; later events are ignored. Readers holding slices keep them. */
    synchronized void release() {
        if (state == State.RELEASED) {
            return;
        }
        state = State.RELEASED;
        snapshot = null;
        releaseInits(inits);
        inits.clear();
        for (MediaSegment segment : segments) {
            releaseParts(segment.parts());
        }
        segments.clear();
        releaseParts(openParts);
        openParts.clear();
        partSamples.clear();
        heldBack = null;
    }

    /** Bytes held in init, segments and open parts. */
    synchronized long storedBytes() {
        if (state == State.RELEASED) {
            return 0;
        }
        long bytes = 0;
        for (InitSegment held : inits) {
            bytes += held.bytes().size();
        }
        for (MediaSegment segment : segments) {
            if (segment.inMemory()) {
                bytes += segment.size();
            }
        }
        for (SegmentPart part : openParts) {
            bytes += part.size();
        }
        return bytes;
    }

    private static void releaseParts(List<SegmentPart> parts) {
        for (SegmentPart part : parts) {
            part.bytes().release();
        }
    }

    private void publish() {
        if (init == null) {
            return;
        }
        RenditionSnapshot published = new RenditionSnapshot(path, track, format, init, segments, openParts,
                maxSegmentDuration, state == State.ENDED, clock.instant(), nextSequence, inits, discontinuityPending,
                state == State.SEGMENTING ? openSegmentDuration : 0);
        snapshot = published;
        onPublish.accept(published);
    }

    private static long nanos(MediaSegment segment) {
        return new TimescaleConverter(segment.timescale(), 1_000_000_000).convert(segment.duration());
    }

    private long ticks(Duration duration) {
        return new TimescaleConverter(1_000_000_000L, format.timescale()).convert(duration.toNanos());
    }

    @Override
    public String toString() {
        return "RenditionSegmenter[" + path + "]";
    }
}
