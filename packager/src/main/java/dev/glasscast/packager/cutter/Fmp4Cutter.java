package dev.glasscast.packager.cutter;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import dev.glasscast.packager.fmp4.Fmp4Sample;
import dev.glasscast.packager.fmp4.Fmp4Track;
import dev.glasscast.packager.fmp4.TimescaleConverter;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the access units of one single-track rendition into fMP4 init segments, parts and
 * segments, and hands each to its {@link Output} as it is cut. It keeps nothing it has cut: what
 * is held, for how long, and how it is numbered is the window's business.
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
 * <p>Buffer ownership: every {@link ByteBuf} handed to the {@link Output} (an init segment, a
 * fragment) carries one reference that passes to the output. Access units are copied into the
 * fragment, so the cutter holds no buffer between calls.
 *
 * <p>Threading: not thread-safe; its owner calls it with its own lock held.
 *
 * <p>Over 400 lines on purpose: the held-back sample, the open part and the open segment are one
 * state machine (a sample's arrival commits the previous one, which may close a part, which may
 * close a segment); split across classes, each step would need the others' fields. When the last
 * pictures present is kept in {@link RecentPresentation}.
 */
public final class Fmp4Cutter {

    private static final Logger log = LoggerFactory.getLogger(Fmp4Cutter.class);
    private static final int AAC_FRAME_SAMPLES = 1024;

    /** Where what is cut goes, in order, on the caller's thread. */
    public interface Output {

        /**
         * A period begins (the first track, or a change of its codec parameters); what was open
         * under the previous track has been cut already.
         *
         * @param init ftyp + moov; the output owns it
         */
        void periodStarted(TrackInfo track, Fmp4Track format, ByteBuf init);

        /**
         * A part of the open segment is cut.
         *
         * @param fragment moof + mdat; the output owns it
         */
        void partCut(long startTime, long duration, boolean independent, ByteBuf fragment);

        /**
         * The open segment is cut: it is made of the parts cut since the previous segment. Times
         * are in the output timescale of {@link Fmp4Cutter#format()}.
         */
        void segmentCut(long startTime, long duration, Instant programDateTime);
    }

    private enum State {
        /** No usable track announced yet. */
        AWAITING_TRACKS,
        /** Track known; waiting for the first sample a segment can start with. */
        AWAITING_SYNC_SAMPLE,
        /** A segment is open. */
        SEGMENTING,
        /** Told to stop: input is ignored from now on. */
        STOPPED
    }

    private final StreamPath path;
    private final Duration segmentDuration;
    private final Duration partDuration;
    private final Fmp4InitSegmentWriter initWriter;
    private final Fmp4FragmentWriter fragmentWriter;
    private final Output output;
    private final LatencyProbe probe;

    private State state = State.AWAITING_TRACKS;
    private TrackInfo track;
    private Fmp4Track format;
    private TimescaleConverter converter;
    private long segmentTarget;
    private long partTarget;

    private AccessUnit heldBack;
    private long heldBackDts;
    /**
     * How long after it decodes this timeline's first key frame presents (B-frames), in the
     * fragment timescale: fragment decode times are shifted on by it, so that a segment's
     * decode time is its earliest presentation time, as CMAF has it (negative composition
     * offsets for the B-frames, trun version 1). Players place a segment by its decode time
     * after a discontinuity (hls.js maps its tfdt to the playlist's start time); without the
     * shift each break left a hole of this delay in the picture.
     */
    private long presentationDelay;
    private long lastSampleDuration;
    private long droppedUnits;
    private boolean unusableTracksLogged;
    private long nextFragmentSequence = 1;

    private long segmentStart;
    private long segmentDeadline;
    /** End of the last part cut in the open segment; meaningful while {@link #partsInSegment} > 0. */
    private long segmentEnd;
    private int partsInSegment;
    /** What the open segment will last, decided as it opens; see {@link #predictedDuration}. */
    private long openSegmentDuration;
    /** The last cut segment's duration within this timeline; 0 after a break. */
    private long previousDuration;
    private Instant segmentProgramDateTime;

    private final List<Fmp4Sample> partSamples = new ArrayList<>();
    private long partStart;
    private long partDurationSoFar;
    /** Presentation times (source timescale) of the open part's first and last unit. */
    private long partFirstPts;
    private long partLastPts;
    /** What the pictures cut since the last break present, for the decisions at the next one. */
    private final RecentPresentation recent = new RecentPresentation();

    /** Where the stream's media time meets the wall clock; null until the first sample and after a break. */
    private ProgramDateTimeAnchor.Mapping programDateTimes;
    private final ProgramDateTimeAnchor anchor;

    /**
     * @param path            for log lines only
     * @param segmentDuration target segment length (video: first key frame at or after it)
     * @param partDuration    target part length
     * @param anchor          where the stream's media time meets the wall clock, shared by its renditions
     * @param output          receives what is cut
     * @param probe           marks each video unit as it comes in ({@link LatencyProbe#OFF} but for benchmarks)
     */
    public Fmp4Cutter(StreamPath path, Duration segmentDuration, Duration partDuration,
                      Fmp4InitSegmentWriter initWriter, Fmp4FragmentWriter fragmentWriter,
                      ProgramDateTimeAnchor anchor, Output output, LatencyProbe probe) {
        this.anchor = anchor;
        this.path = path;
        this.segmentDuration = segmentDuration;
        this.partDuration = partDuration;
        this.initWriter = initWriter;
        this.fragmentWriter = fragmentWriter;
        this.output = output;
        this.probe = probe;
    }

    /** The track being cut, or null until a usable one is announced. */
    public TrackInfo track() {
        return track;
    }

    /**
     * Presentation times, in the source's timescale, of the first and last unit of the part
     * {@link Output#partCut} is being told of (the latency probe's record of what a part holds).
     */
    public long cutPartFirstPts() {
        return partFirstPts;
    }

    /** @see #cutPartFirstPts() */
    public long cutPartLastPts() {
        return partLastPts;
    }

    /** The fMP4 output track of the current period, or null until a usable track is announced. */
    public Fmp4Track format() {
        return format;
    }

    /** True while a segment is open (between its first sample and its cut). */
    public boolean segmenting() {
        return state == State.SEGMENTING;
    }

    /**
     * What the open segment will last, in the output timescale, decided when it opened; 0 when no
     * segment is open or its length is not known.
     */
    public long openSegmentDuration() {
        return state == State.SEGMENTING ? openSegmentDuration : 0;
    }

    public long droppedUnits() {
        return droppedUnits;
    }

    public void onTracks(List<TrackInfo> tracks) {
        if (state == State.STOPPED) {
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
     * open is cut, and the new track's timestamps get their own converter. The timeline itself
     * continues: the transcoder rebases timestamps before they get here.
     */
    private void startPeriod(TrackInfo chosen) {
        if (track != null) {
            log.info("{}: track changed from {} to {}; a new period begins", path, track, chosen);
            if (state == State.SEGMENTING) {
                flush();
            }
            programDateTimes = null;
            // Counted in the old period's timescale: no prediction for the new one's first segment.
            previousDuration = 0;
        }
        track = chosen;
        format = Fmp4Track.of(chosen);
        converter = new TimescaleConverter(chosen.timescale(), format.timescale());
        segmentTarget = ticks(segmentDuration);
        partTarget = ticks(partDuration);
        state = State.AWAITING_SYNC_SAMPLE;
        output.periodStarted(chosen, format, initWriter.write(format));
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

    public void onAccessUnit(AccessUnit unit) {
        if (track == null || unit.trackId() != track.trackId()) {
            return;
        }
        switch (state) {
            case AWAITING_TRACKS, STOPPED -> {
                return;
            }
            case AWAITING_SYNC_SAMPLE -> {
                if (!isSync(unit) || !acceptable(unit)) {
                    return;
                }
                presentationDelay = Math.max(0, converter.convert(unit.pts()) - converter.convert(unit.dts()));
                long dts = decodeTime(unit);
                openSegment(dts, dts + segmentTarget);
                state = State.SEGMENTING;
                holdBack(unit, dts);
            }
            case SEGMENTING -> {
                if (!acceptable(unit)) {
                    return;
                }
                long dts = decodeTime(unit);
                if (dts <= heldBackDts) {
                    drop(unit, "decode time does not advance");
                    return;
                }
                commitHeldBack(dts - heldBackDts, converter.convert(heldBack.pts()));
                if (dts >= segmentDeadline && isSync(unit)) {
                    closeSegment();
                    long deadline = track.isVideo()
                            ? dts + segmentTarget
                            : nextGridDeadline(dts);
                    openSegment(dts, deadline);
                }
                holdBack(unit, dts);
            }
        }
    }

    /**
     * The timeline breaks (a reconnect, the slate standing in or stepping aside): what is open is
     * cut, and the next segment starts at the next sync sample, asking the stream's anchor again
     * for its program date-times. Nothing to do while no segment is open.
     */
    public void breakTimeline() {
        if (state != State.SEGMENTING) {
            return;
        }
        flush();
        programDateTimes = null;
        previousDuration = 0;
        state = State.AWAITING_SYNC_SAMPLE;
    }

    /** No more input: the held-back sample and the open segment are cut; later input is ignored. */
    public void finish() {
        if (state == State.SEGMENTING) {
            flush();
        }
        state = State.STOPPED;
    }

    /** No more input, and what is not cut yet is dropped; later input is ignored. */
    public void discard() {
        state = State.STOPPED;
        partSamples.clear();
        heldBack = null;
    }

    /** The unit's decode time in the fragments: in the fragment timescale, shifted by the delay. */
    private long decodeTime(AccessUnit unit) {
        return converter.convert(unit.dts()) + presentationDelay;
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

    /** Keeps {@code unit} back until the next one gives its duration. */
    private void holdBack(AccessUnit unit, long dts) {
        if (track.isVideo()) {
            probe.segmenterReceived(path, unit.pts());
        }
        heldBack = unit;
        heldBackDts = dts;
    }

    /**
     * Appends the held-back sample, now that its duration is known, to the open part.
     *
     * @param presentationTime when it presents, in the fragment timescale: its own, but at a break
     */
    private void commitHeldBack(long duration, long presentationTime) {
        AccessUnit unit = heldBack;
        heldBack = null;
        long compositionOffset = presentationTime - heldBackDts;
        if (compositionOffset != (int) compositionOffset) {
            log.warn("{}: composition offset {} out of range in {}; using 0", path, compositionOffset, unit);
            compositionOffset = 0;
        }
        Fmp4Sample sample = new Fmp4Sample(duration, (int) compositionOffset, isSync(unit), unit.data());
        if (partSamples.isEmpty()) {
            partStart = heldBackDts;
            partFirstPts = unit.pts();
        }
        partLastPts = unit.pts();
        partSamples.add(sample);
        if (track.isVideo()) {
            recent.add(heldBackDts + compositionOffset, duration);
        }
        partDurationSoFar += duration;
        lastSampleDuration = duration;
        if (partDurationSoFar >= partTarget) {
            closePart();
        }
    }

    /** The held-back sample's duration when no next sample will come. */
    private long guessHeldBackDuration() {
        AccessUnit unit = heldBack;
        if (unit.duration() > 0) {
            return converter.convert(unit.dts() + unit.duration()) + presentationDelay - heldBackDts;
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
        if (programDateTimes == null) {
            programDateTimes = anchor.mappingFor(nanos(start));
        }
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
        return programDateTimes.at(nanos(time));
    }

    /** A time of the output timescale in nanoseconds: the stream's renditions share media time, not timescales. */
    private long nanos(long time) {
        return new TimescaleConverter(format.timescale(), 1_000_000_000L).convert(time);
    }

    private void closePart() {
        if (partSamples.isEmpty()) {
            return;
        }
        ByteBuf fragment = fragmentWriter.write(nextFragmentSequence++, partStart, partSamples);
        boolean independent = partSamples.getFirst().sync();
        long start = partStart;
        long duration = partDurationSoFar;
        partSamples.clear();
        partDurationSoFar = 0;
        partsInSegment++;
        segmentEnd = start + duration;
        output.partCut(start, duration, independent, fragment);
    }

    private void closeSegment() {
        closePart();
        if (partsInSegment == 0) {
            return;
        }
        long duration = segmentEnd - segmentStart;
        partsInSegment = 0;
        openSegmentDuration = 0; // until the next segment opens and decides its own
        previousDuration = duration;
        output.segmentCut(segmentStart, duration, segmentProgramDateTime);
    }

    /** Cuts the held-back sample and the open segment, e.g. before a break in the timeline. */
    private void flush() {
        if (heldBack != null) {
            commitLastPicture();
        }
        closeSegment();
        recent.clear();
    }

    /**
     * Commits the held-back sample, last in decode order, at a break, where no next sample gives
     * its duration. A publisher cut off mid-GOP leaves B-frames missing (libsrt's live mode drops
     * what was not sent yet, and the demuxer drops a last frame it cannot know is whole), so the
     * pictures around the last one may present with holes between them. Players place what
     * follows a break right after the last picture, so a hole stays in the picture, and Chromium
     * plays over a video hole on the audio alone, picture frozen, for up to 3 s. Nothing
     * references the last sample and nothing is cut after it, so it alone can be moved: it
     * presents from the end of the pictures before it, if a hole lies between, until the next
     * picture after it, if one was cut (a B-frame before the P-frame it needs), else for its own
     * duration. A picture shown a frame or two early is invisible; a hole is not. What was cut
     * before it is out already, so a hole between two earlier pictures stays.
     */
    private void commitLastPicture() {
        long guess = Math.max(1, guessHeldBackDuration());
        long pts = converter.convert(heldBack.pts());
        if (!track.isVideo()) {
            commitHeldBack(guess, pts);
            return;
        }
        long before = recent.endBefore(pts);
        long from = before != Long.MIN_VALUE && pts > before + halfAFrame() ? before : pts;
        long next = recent.nextAfter(pts);
        long until = next == Long.MAX_VALUE ? from + guess : next;
        if (from != pts) {
            log.debug("{}: the last picture (at {}) presents after a hole from {}; moved to it at the break", path,
                    pts, from);
        }
        commitHeldBack(Math.max(1, until - from), from);
    }

    /** Rounding of millisecond timestamps leaves slivers between pictures; they are no hole. */
    private long halfAFrame() {
        return Math.max(1, lastSampleDuration / 2);
    }

    private long ticks(Duration duration) {
        return new TimescaleConverter(1_000_000_000L, format.timescale()).convert(duration.toNanos());
    }

    @Override
    public String toString() {
        return "Fmp4Cutter[" + path + "]";
    }
}
