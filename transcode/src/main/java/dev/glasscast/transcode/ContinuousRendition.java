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
 * is shifted so its first unit lands where the rendition's timeline had got to, after a
 * discontinuity; video waits for a key frame so the live picture starts at a segment boundary.
 * "Where the timeline had got to" is the presentation end, and a stretch lands by its first
 * unit's presentation time: a source with B-frames presents its key frame a few frames after
 * decoding it, and landing its decode time there instead leaves that delay as a hole in the
 * picture. Chromium plays on over such a hole on the audio alone, with the picture frozen, for
 * up to 3 s before it stalls. (The holes a publisher cut off mid-GOP leaves inside its own last
 * GOP are the packager's to close: {@code Fmp4Cutter} at a break.) The slate presents with the
 * delay of the media it follows, so an encoder that comes back as it left continues without a
 * hole on either side of it. Decode times never overlap.
 *
 * <p>Thread-safety: every method is synchronized; transcoder threads send, the keeper's thread
 * drives the slate. Access units passed in are immutable and not retained beyond the send.
 */
final class ContinuousRendition {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ContinuousRendition.class);

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
     */
    ContinuousRendition(StreamPublisher out, RungConfig rung) {
        this.out = out;
        this.rung = rung;
    }

    StreamPublisher publication() {
        return out;
    }

    synchronized State state() {
        return state;
    }

    /** A new publisher session takes over: its timeline starts where this one has got to. */
    synchronized void beginSession(int newSession) {
        session = newSession;
        if (state == State.LIVE && lastDts != Long.MIN_VALUE) {
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
            if (isVideo() && !unit.keyFrame()) {
                return;
            }
            if (pendingTracks != null) {
                announce(pendingTracks);
                pendingTracks = null;
            }
            long landAt = state == State.SLATE ? slateNextDts() + slateDelay : resumeAt;
            if (landAt != Long.MIN_VALUE) {
                offset = landingDts(landAt, unit) - unit.dts();
            }
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

    /** Sends the slate frames due by {@code nowNanos}, keeping pace with the wall clock. */
    synchronized void fillSlate(long nowNanos) {
        if (state != State.SLATE) {
            return;
        }
        TrackInfo track = announced.getFirst();
        long due = slateOriginDts + (nowNanos - slateOriginNanos) * track.timescale() / 1_000_000_000L;
        while (slateDts(slateIndex) <= due) {
            long dts = slateDts(slateIndex);
            long duration = slateDts(slateIndex + 1) - dts;
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
    }

    /** Closes the publication: the packager finishes the rendition (it stays as VOD). */
    synchronized void end() {
        if (state != State.ENDED) {
            state = State.ENDED;
            out.close();
        }
    }

    private long slateNextDts() {
        return slateDts(slateIndex);
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
