package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.util.List;

/**
 * One rendition of one stream as viewers see it. It holds the rendition's publication in the hub
 * across publisher sessions: the live media of the current session passes through with its
 * timestamps shifted so the rendition's timeline never goes back or jumps; between sessions (or
 * while the publisher stalls) it carries the slate, timestamped on from the last live frame.
 * Continuous is the point of it: one timeline, whichever session or slate feeds it, where a
 * session's own {@link StreamPublisher} would end with the session.
 *
 * <p>Timeline: each new stretch of live media (a new session, or media resuming after a slate)
 * is shifted by the offset the stream's renditions share for it ({@link StretchOffset}), after a
 * discontinuity; video waits for a key frame so the live picture starts at a segment boundary.
 * The first rendition to resume lands where the wall clock has got to on its slate; the others
 * fill their slate up to where the shared offset puts their first unit, so a player that takes
 * its offset from one rendition finds the others in step. A new session starts the slate at
 * once, so every rendition has a slate to fill with. The slate runs {@link #SLATE_LAG_NANOS}
 * behind the wall clock, so renditions that resume a little after the first (an encoder's start,
 * a muxer's audio interleave) still find their landing point ahead of their slate. One that finds
 * its slate already past it lands at the slate's end, out of step by the difference, as every
 * rendition did before; video first waits on the slate (up to {@link #MAX_WAIT_NANOS}) for a
 * later key frame that lands in step (an encoder started at the break).
 *
 * <p>A stretch lands by its first unit's presentation time: a source with B-frames presents its
 * key frame a few frames after decoding it, and landing its decode time there instead leaves
 * that delay as a hole in the picture. Chromium plays on over such a hole on the audio alone,
 * with the picture frozen, for up to 3 s before it stalls. (The holes a publisher cut off
 * mid-GOP leaves inside its own last GOP are the packager's to close: {@code Fmp4Cutter} at a
 * break.) The slate presents with the delay of the media it follows, so an encoder that comes
 * back as it left continues without a hole on either side of it. Decode times never overlap.
 *
 * <p>Thread-safety: every method is synchronized; transcoder threads send, the keeper's thread
 * drives the slate. Access units passed in are immutable and not retained beyond the send.
 */
final class ContinuousRendition {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ContinuousRendition.class);

    /**
     * How far the slate runs behind the wall clock. The renditions of a stream resume from one
     * new session at different moments: audio interleaved ahead of video (FFmpeg's MPEG-TS muxer
     * sends AAC in PES of about 0.2 s), a rung whose new encoder takes its first frames. A slate
     * that kept pace with the wall clock would be past the shared landing point of all but the
     * first; behind by this much, each still has room to fill up to it.
     */
    static final long SLATE_LAG_NANOS = 500_000_000L;
    /** The most slate sent at once to reach the shared landing point; further means timestamps to distrust. */
    private static final long MAX_FILL_NANOS = 3_000_000_000L;
    /**
     * How long a rendition whose slate is already past the shared landing point (an encoder
     * started at the break, its first pictures late) waits on the slate for a later unit that
     * lands in step. Landing out of step instead would put its picture that much after its sound
     * for the rest of the session; waiting shows the slate a little longer on that rendition.
     */
    private static final long MAX_WAIT_NANOS = 4_000_000_000L;
    /** Out of step by less than this (a slate frame) is not worth waiting a GOP for. */
    private static final long STEP_TOLERANCE_NANOS = 40_000_000L;

    enum State {
        /** Live media of the current session passes through. */
        LIVE,
        /** The slate runs; live media resumes at its next key frame. */
        SLATE,
        /** The publication is closed; nothing more goes out. */
        ENDED
    }

    private final StreamPublisher out;
    private final RungConfig rung;
    private final StretchOffset stretch;

    private State state = State.LIVE;
    private int session;
    private List<TrackInfo> announced = List.of();
    private List<TrackInfo> pendingTracks;

    /** Added to the current stretch's timestamps; set from its first unit. */
    private long offset;
    /** Where the next stretch's first unit presents, or MIN_VALUE while a stretch runs. */
    private long resumeAt = Long.MIN_VALUE;
    private boolean stretchStarted = true;

    private long lastDts = Long.MIN_VALUE;
    /**
     * How long after it decodes the current stretch's first unit presents (B-frames). Its
     * presentation ends that long after its decode times do, counting only the pictures that
     * arrived in order: a publisher cut off mid-GOP leaves a last P-frame that presents after
     * B-frames that never came, and the next stretch covers that instead of leaving a hole.
     */
    private long stretchDelay;
    private long lastStep;
    private long lastArrivalNanos;
    /** When this rendition first had a unit it could not land in step, in the current slate; MIN_VALUE if none. */
    private long waitingSinceNanos = Long.MIN_VALUE;

    /**
     * Set once a slate has run: from then on live key frames carry their own SPS and PPS in
     * band, since a decoder that took the slate's parameter sets keeps them until told otherwise.
     */
    private boolean parameterSetsInBand;
    private byte[] liveParameterSets;

    private TrackInfo preparedFor;
    private SlateMedia.Gop gop;
    private byte[] silence;
    private long slateOriginDts;
    private long slateOriginNanos;
    private long slateIndex;
    /** The slate's composition offset: the presentation delay of the media before it. */
    private long slateDelay;

    /**
     * @param out  the rendition's publication in the hub; closed by {@link #end()}
     * @param rung the rung's settings (the slate is encoded with them), or null for audio and copy rungs
     * @param stretch the offset shared with the stream's other renditions
     */
    ContinuousRendition(StreamPublisher out, RungConfig rung, StretchOffset stretch) {
        this.out = out;
        this.rung = rung;
        this.stretch = stretch;
    }

    StreamPublisher publication() {
        return out;
    }

    synchronized State state() {
        return state;
    }

    /**
     * A new publisher session takes over. The slate stands in until its media arrives; without a
     * prepared slate, its timeline starts where this one has got to.
     */
    synchronized void beginSession(int newSession) {
        session = newSession;
        if (state == State.LIVE && lastDts != Long.MIN_VALUE && !startSlate()) {
            resumeAt = presentationEnd();
            stretchStarted = false;
        }
    }

    synchronized void tracks(int fromSession, List<TrackInfo> tracks) {
        if (fromSession != session || state == State.ENDED) {
            return;
        }
        if (state == State.SLATE || !stretchStarted) {
            pendingTracks = tracks;
            return;
        }
        announce(tracks);
    }

    synchronized void send(int fromSession, AccessUnit unit, long nowNanos) {
        if (fromSession != session || state == State.ENDED) {
            return;
        }
        if (state == State.SLATE || !stretchStarted) {
            if (isVideo() && !unit.keyFrame() || waitsForALaterUnit(unit, nowNanos)) {
                return;
            }
            if (pendingTracks != null) {
                announce(pendingTracks);
                pendingTracks = null;
            }
            land(unit, nowNanos);
            stretchDelay = Math.max(0, unit.pts() - unit.dts());
            state = State.LIVE;
            resumeAt = Long.MIN_VALUE;
            stretchStarted = true;
            out.discontinuity();
        }
        if (lastDts == Long.MIN_VALUE) {
            stretchDelay = Math.max(0, unit.pts() - unit.dts());
        }
        forward(new AccessUnit(unit.trackId(), unit.dts() + offset, unit.pts() + offset, unit.duration(), unit.keyFrame(),
                unit.data()), nowNanos);
    }

    synchronized void discontinuity(int fromSession) {
        if (fromSession == session && state == State.LIVE && stretchStarted) {
            out.discontinuity();
        }
    }

    /** When the last live unit went out ({@code System.nanoTime()} scale), 0 before the first. */
    synchronized long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** Whether the slate can run here: the track is known and live media has been out. */
    synchronized boolean canSlate() {
        return !announced.isEmpty() && lastDts != Long.MIN_VALUE && state != State.ENDED;
    }

    /**
     * Encodes this rendition's slate if its track changed since the last time. Slow (an encode):
     * call from the keeper's thread, never a transcoder's.
     */
    void prepare(SlateConfig slate, int gopLength) {
        TrackInfo track;
        synchronized (this) {
            if (announced.isEmpty() || announced.getFirst().equals(preparedFor)) {
                return;
            }
            track = announced.getFirst();
            if (track.codec() != Codec.H264 && track.codec() != Codec.H265 && track.codec() != Codec.AAC) {
                // The slate is encoded to H.264, HEVC or AAC; any other track keeps its last frame.
                return;
            }
        }
        SlateMedia.Gop newGop = null;
        byte[] newSilence = null;
        try {
            if (track.isVideo()) {
                newGop = SlateMedia.encodeVideo(slate, track, rung, gopLength);
            } else {
                newSilence = SlateMedia.encodeSilence(track);
            }
        } catch (RuntimeException e) {
            // Tried once per track: this rendition freezes on its last frame instead of a slate.
            log.warn("{}: cannot encode a slate for {}: {}", out.stream().path(), track, e.getMessage());
        }
        synchronized (this) {
            preparedFor = track;
            gop = newGop;
            silence = newSilence;
        }
    }

    /** Starts the slate right after the last live frame, if it is prepared for the current track. */
    synchronized boolean startSlate() {
        if (state != State.LIVE || !canSlate() || !announced.getFirst().equals(preparedFor)
                || (gop == null && silence == null)) {
            return false;
        }
        state = State.SLATE;
        waitingSinceNanos = Long.MIN_VALUE;
        parameterSetsInBand = true;
        // Right after the last decode time, presenting right after the last picture (a new
        // session that has sent nothing yet has not moved either).
        slateOriginDts = lastDts + (lastStep > 0 ? lastStep : 1);
        slateDelay = stretchDelay;
        slateOriginNanos = lastArrivalNanos;
        slateIndex = 0;
        pendingTracks = null;
        out.discontinuity();
        return true;
    }

    /** Sends the slate frames due by {@code nowNanos}, keeping pace {@link #SLATE_LAG_NANOS} behind the wall clock. */
    synchronized void fillSlate(long nowNanos) {
        if (state != State.SLATE) {
            return;
        }
        long due = slateOriginDts + ticksOf(nowNanos - SLATE_LAG_NANOS - slateOriginNanos);
        while (slateDts(slateIndex) <= due) {
            sendSlateFrame(slateDts(slateIndex + 1) - slateDts(slateIndex));
        }
    }

    /**
     * Sends slate frames, ahead of the wall clock, until the slate presents up to
     * {@code presentAt}: video exactly (its last frame shortened), audio to the nearest AAC frame
     * edge.
     *
     * @return where the slate now stops presenting
     */
    private long fillSlateUntil(long presentAt) {
        while (true) {
            long pts = slateDts(slateIndex) + slateDelay;
            long step = slateDts(slateIndex + 1) - slateDts(slateIndex);
            if (gop != null ? pts >= presentAt : pts + step / 2 > presentAt) {
                return slateEndPts();
            }
            sendSlateFrame(gop != null ? Math.min(step, presentAt - pts) : step);
        }
    }

    private void sendSlateFrame(long duration) {
        TrackInfo track = announced.getFirst();
        long dts = slateDts(slateIndex);
        long pts = dts + slateDelay;
        if (gop != null) {
            int position = (int) (slateIndex % gop.frames().size());
            out.send(new AccessUnit(track.trackId(), dts, pts, duration, position == 0, gop.frames().get(position)));
        } else {
            out.send(new AccessUnit(track.trackId(), dts, pts, duration, true, silence));
        }
        lastDts = dts;
        lastStep = duration;
        slateIndex++;
    }

    /** Where the slate stops presenting so far (where the live media before it did, before its first frame). */
    private long slateEndPts() {
        return slateIndex == 0 ? slateOriginDts + slateDelay : lastDts + lastStep + slateDelay;
    }

    /**
     * Sets the offset of a stretch from its first unit: the stream's shared one where this
     * rendition can reach it by filling its slate, its own landing otherwise.
     */
    private void land(AccessUnit first, long nowNanos) {
        if (announced.isEmpty()) {
            return;
        }
        int timescale = announced.getFirst().timescale();
        long own = ownLanding(nowNanos);
        if (own == Long.MIN_VALUE) {
            // Nothing of this rendition's own to continue: it starts in step with the others.
            offset = StretchOffset.toTicks(stretch.nanosOr(StretchOffset.toNanos(offset, timescale)), timescale);
            return;
        }
        long shared = StretchOffset.toTicks(stretch.offerNanos(StretchOffset.toNanos(own - first.pts(), timescale)), timescale);
        long presentAt = own;
        if (state == State.SLATE) {
            long target = first.pts() + shared;
            long slateEnd = slateEndPts();
            if (target < slateEnd) {
                log.debug("{}: the slate is {} ticks past the shared landing point; landing out of step",
                        out.stream().path(), slateEnd - target);
                presentAt = slateEnd;
            } else {
                presentAt = fillSlateUntil(target - slateEnd > ticksOf(MAX_FILL_NANOS) ? own : target);
            }
        }
        offset = landingDts(presentAt, first) - first.dts();
    }

    /**
     * Whether video {@code first} would land before where this rendition's slate has got to (it
     * resumes later than the rendition that chose the stretch's offset: an encoder started at the
     * break), so it is dropped and the slate goes on until a later key frame lands in step, for
     * at most {@link #MAX_WAIT_NANOS}. Decided before a new session's tracks are announced, so
     * the slate never follows an init segment it was not encoded for.
     *
     * <p>Sound never waits: it would drop what the publisher said, and its slate, behind the wall
     * clock, would hold the players' audio buffer back while the picture ran on. In
     * SourceTransitionsTest (clean-clone run AS) three reconnects over SRT stalled the viewer for
     * 1.65-2.15 s that way, with the sound buffered 2.7 s short of the picture: FFmpeg's MPEG-TS
     * muxer holds AAC back up to 0.7 s, more than the slate's lag, at a session's start.
     */
    private boolean waitsForALaterUnit(AccessUnit first, long nowNanos) {
        long shared = stretch.nanosOr(Long.MIN_VALUE);
        if (state != State.SLATE || announced.isEmpty() || !announced.getFirst().isVideo() || shared == Long.MIN_VALUE) {
            return false;
        }
        if (waitingSinceNanos == Long.MIN_VALUE) {
            waitingSinceNanos = nowNanos;
        }
        if (nowNanos - waitingSinceNanos > MAX_WAIT_NANOS) {
            return false;
        }
        List<TrackInfo> tracks = pendingTracks != null && !pendingTracks.isEmpty() ? pendingTracks : announced;
        long target = StretchOffset.toNanos(first.pts(), tracks.getFirst().timescale()) + shared;
        long slateEnd = StretchOffset.toNanos(slateEndPts(), announced.getFirst().timescale());
        return target < slateEnd - STEP_TOLERANCE_NANOS;
    }

    /**
     * Where this rendition's next stretch would land by itself: on the slate, where the wall
     * clock has got to; after a session began without a slate, where its timeline stops; with
     * no timeline yet, nowhere ({@code Long.MIN_VALUE}).
     */
    private long ownLanding(long nowNanos) {
        if (state == State.SLATE) {
            return Math.max(slateEndPts(), slateOriginDts + ticksOf(nowNanos - slateOriginNanos) + slateDelay);
        }
        return resumeAt;
    }

    private long ticksOf(long nanos) {
        return StretchOffset.toTicks(nanos, announced.getFirst().timescale());
    }

    /** Closes the publication: the packager finishes the rendition (it stays as VOD). */
    synchronized void end() {
        if (state != State.ENDED) {
            state = State.ENDED;
            out.close();
        }
    }

    private long slateDts(long index) {
        TrackInfo track = announced.getFirst();
        if (track.isVideo()) {
            return slateOriginDts + index * Math.max(1, track.timescale() / SlateMedia.SLATE_FPS);
        }
        // AAC frames are 1024 samples; exact in any timescale over the long run.
        return slateOriginDts + index * 1024L * track.timescale() / Math.max(1, track.sampleRate());
    }

    /**
     * The decode time that presents {@code first} (a stretch's first unit) at {@code presentAt},
     * but never before the last unit's decode time has run out: decode times that overlap at a
     * break made hls.js find a 0.2 s hole there (SourceTransitionsTest, 2026-12-07), and muxers
     * refuse them. So only a stretch that presents with a longer delay than the media before it
     * is held back, leaving the difference as a hole.
     */
    private long landingDts(long presentAt, AccessUnit first) {
        long dts = presentAt - Math.max(0, first.pts() - first.dts());
        return lastDts == Long.MIN_VALUE ? dts : Math.max(dts, lastDts + (lastStep > 0 ? lastStep : 1));
    }

    private void announce(List<TrackInfo> tracks) {
        if (!tracks.equals(announced)) {
            if (!announced.isEmpty() && !tracks.isEmpty()) {
                rescaleTimeline(announced.getFirst().timescale(), tracks.getFirst().timescale());
            }
            announced = List.copyOf(tracks);
            out.tracks(announced);
            TrackInfo track = announced.isEmpty() ? null : announced.getFirst();
            liveParameterSets = null;
            if (track != null && track.isVideo() && (track.codec() == Codec.H264 || track.codec() == Codec.H265)) {
                try {
                    liveParameterSets = SlateMedia.lengthPrefixedParameterSets(track);
                } catch (RuntimeException e) {
                    liveParameterSets = null;
                }
            }
        }
    }

    /**
     * Carries where the timeline has got to over to a new track's timescale (the test pattern
     * counts in milliseconds, MPEG-TS in 90 kHz ticks), so the next stretch lands right after the
     * last one instead of at the same number in other units.
     */
    private void rescaleTimeline(int from, int to) {
        if (from == to) {
            return;
        }
        if (state == State.SLATE) {
            // Restart the slate's count at the frame due next, in the new units.
            long next = slateDts(slateIndex);
            slateOriginNanos += nanosOf(next - slateOriginDts, from);
            slateOriginDts = rescale(next, from, to);
            slateIndex = 0;
            slateDelay = rescale(slateDelay, from, to);
        }
        lastDts = rescale(lastDts, from, to);
        stretchDelay = rescale(stretchDelay, from, to);
        resumeAt = rescale(resumeAt, from, to);
        offset = rescale(offset, from, to);
        lastStep = rescale(lastStep, from, to);
    }

    private static long rescale(long ticks, int from, int to) {
        if (ticks == Long.MIN_VALUE) {
            return ticks;
        }
        return Math.round(ticks * (double) to / from);
    }

    private static long nanosOf(long ticks, int timescale) {
        return Math.round(ticks * 1e9 / timescale);
    }

    private void forward(AccessUnit unit, long nowNanos) {
        if (lastDts != Long.MIN_VALUE && unit.dts() > lastDts) {
            lastStep = unit.dts() - lastDts;
        }
        lastDts = Math.max(lastDts, unit.dts());
        lastArrivalNanos = nowNanos;
        if (parameterSetsInBand && unit.keyFrame() && liveParameterSets != null) {
            unit = new AccessUnit(unit.trackId(), unit.dts(), unit.pts(), unit.duration(), true,
                    SlateMedia.concat(liveParameterSets, unit.data()));
        }
        out.send(unit);
    }

    /** Where the timeline has got to: where the current stretch's pictures, in order, stop presenting. */
    private long presentationEnd() {
        return lastDts + (lastStep > 0 ? lastStep : 1) + stretchDelay;
    }

    private boolean isVideo() {
        return !announced.isEmpty() ? announced.getFirst().isVideo()
                : pendingTracks != null && !pendingTracks.isEmpty() && pendingTracks.getFirst().isVideo();
    }
}
