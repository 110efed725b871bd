package dev.glasscast.packager.window;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.cutter.Fmp4Cutter;
import dev.glasscast.packager.cutter.ProgramDateTimeAnchor;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import dev.glasscast.packager.fmp4.Fmp4Track;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publication of one rendition in the store: a frame's route from the hub to the renderers.
 * The hub's events go to an {@link Fmp4Cutter}; what it cuts is numbered here (media and
 * discontinuity sequences, which continue across publications), handed to the recorder, kept in
 * a {@link SegmentWindow}, and published as an immutable {@link RenditionSnapshot}.
 *
 * <p>Buffer ownership: the parts of the open segment are owned here until the segment closes,
 * then by the window; init segments by the window from the moment they are cut. On a handover
 * both pass to the next publication; otherwise {@link #release()} lets go of all of them.
 *
 * <p>Threading: the hub calls the {@link StreamReader} methods from one thread; the store may
 * call {@link #release()} or {@link #handOver()} from another, so all take this object's monitor.
 * Readers never lock: they read {@link #snapshot()}, a volatile immutable value.
 */
final class LiveRendition implements StreamReader, Fmp4Cutter.Output {

    private static final Logger log = LoggerFactory.getLogger(LiveRendition.class);

    enum Lifecycle {
        /** The publisher is sending. */
        LIVE,
        /** The publisher stopped; the last segment is closed. */
        ENDED,
        /** The store let go of this rendition: its buffers are released or handed over. */
        RELEASED
    }

    private final StreamPath path;
    private final Clock clock;
    private final Consumer<RenditionSnapshot> onPublish;
    private final RenditionRecorder recorder;
    private final Fmp4Cutter cutter;
    private final LatencyProbe probe;
    private final SegmentWindow window;

    private Lifecycle lifecycle = Lifecycle.LIVE;
    /** The fMP4 track of the current period, as the cutter announced it; null before the first. */
    private Fmp4Track format;
    /** The current period's init segment, null until this publication's first period. */
    private SegmentBytes init;
    private final List<SegmentPart> openParts = new ArrayList<>();
    private long nextSequence;
    private long discontinuitySequence;
    private boolean discontinuityPending;
    private long maxSegmentDuration;

    private volatile RenditionSnapshot snapshot;
    private volatile Instant endedAt;

    /**
     * A first publication that records nothing (tests).
     *
     * @param firstSequence         media sequence number of the first segment
     * @param discontinuitySequence discontinuity sequence of the first segment
     * @param startsDiscontinuous   true if the first segment follows a break in the timeline
     */
    LiveRendition(StreamPath path, SegmentStoreLimits limits, Fmp4InitSegmentWriter initWriter,
                  Fmp4FragmentWriter fragmentWriter, Clock clock, long firstSequence,
                  long discontinuitySequence, boolean startsDiscontinuous) {
        this(path, limits, initWriter, fragmentWriter, clock, new ProgramDateTimeAnchor(clock),
                PublicationHandover.empty(firstSequence, discontinuitySequence), snapshot -> { },
                RenditionRecorder.NONE, LatencyProbe.OFF);
        this.discontinuityPending = startsDiscontinuous;
    }

    /**
     * @param anchor     where the stream's media time meets the wall clock, shared by its renditions
     * @param handedOver what an earlier publication of the same path left (ownership of its
     *                   segments and init segments passes to this object)
     * @param onPublish  told of every new snapshot, on the publishing thread, with this object's
     *                   monitor held: it must only hand the snapshot on
     * @param recorder   told of every closed segment and of the end; gives back the recorded copy
     *                   of segments older than the memory window
     * @param probe      marks each video unit coming in and each part cut
     */
    LiveRendition(StreamPath path, SegmentStoreLimits limits, Fmp4InitSegmentWriter initWriter,
                  Fmp4FragmentWriter fragmentWriter, Clock clock, ProgramDateTimeAnchor anchor,
                  PublicationHandover handedOver,
                  Consumer<RenditionSnapshot> onPublish, RenditionRecorder recorder, LatencyProbe probe) {
        this.path = path;
        this.clock = clock;
        this.onPublish = onPublish;
        this.recorder = recorder;
        this.probe = probe;
        this.cutter = new Fmp4Cutter(path, limits.segmentDuration(), limits.partDuration(), initWriter,
                fragmentWriter, anchor, this, probe);
        this.window = new SegmentWindow(path, limits, recorder, handedOver.segments(), handedOver.inits());
        this.nextSequence = handedOver.nextSequence();
        this.discontinuitySequence = handedOver.discontinuitySequence();
        this.maxSegmentDuration = handedOver.maxSegmentDuration();
        this.discontinuityPending = !handedOver.segments().isEmpty();
        // Until the new publication's first frame arrives, players keep reading what was handed over:
        // a rendition that vanished for that moment would 404 a player reloading its playlist.
        this.snapshot = handedOver.bridge();
    }

    /** The latest published state, or null until the init segment exists. */
    RenditionSnapshot snapshot() {
        return snapshot;
    }

    /** When the publisher stopped, or null while live. */
    Instant endedAt() {
        return endedAt;
    }

    synchronized Lifecycle lifecycle() {
        return lifecycle;
    }

    synchronized long nextSequence() {
        return nextSequence;
    }

    synchronized long discontinuitySequence() {
        return discontinuitySequence;
    }

    synchronized long droppedUnits() {
        return cutter.droppedUnits();
    }

    // ---- the hub's events ----

    @Override
    public synchronized void onTracks(List<TrackInfo> tracks) {
        if (lifecycle == Lifecycle.LIVE) {
            cutter.onTracks(tracks);
        }
    }

    @Override
    public synchronized void onAccessUnit(AccessUnit unit) {
        if (lifecycle == Lifecycle.LIVE) {
            cutter.onAccessUnit(unit);
        }
    }

    @Override
    public synchronized void onDiscontinuity() {
        if (!cutter.segmenting()) {
            discontinuityPending |= !window.isEmpty();
            return;
        }
        cutter.breakTimeline();
        discontinuityPending = true;
        publish();
    }

    @Override
    public synchronized void onUnpublished() {
        if (lifecycle != Lifecycle.LIVE) {
            return;
        }
        cutter.finish();
        lifecycle = Lifecycle.ENDED;
        endedAt = clock.instant();
        recorder.ended(path);
        publish();
        log.debug("{}: ended with {} segments held", path, window.segments().size());
    }

    // ---- what the cutter cuts ----

    /** A new period: a new init segment follows a discontinuity (if anything came before it). */
    @Override
    public void periodStarted(TrackInfo track, Fmp4Track newFormat, ByteBuf initBytes) {
        List<InitSegment> unused = new ArrayList<>();
        if (init != null) {
            discontinuityPending |= !window.isEmpty();
            // No segment decoded with the last init segment, and no playlist named it: replace it.
            InitSegment unusedLast = window.removeUnusedLastInit(nextSequence);
            if (unusedLast != null) {
                unused.add(unusedLast);
            }
        }
        int previousTimescale = format == null ? 0 : format.timescale();
        format = newFormat;
        if (previousTimescale != 0 && previousTimescale != format.timescale()) {
            // Target durations never shrink, whatever the unit they are counted in.
            maxSegmentDuration = -Math.floorDiv(-maxSegmentDuration * format.timescale(), previousTimescale);
        }
        init = new SegmentBytes(initBytes);
        window.addInit(new InitSegment(nextSequence, init, track));
        unused.addAll(window.dropUnusedInits(nextSequence));
        publish();
        SegmentWindow.releaseInits(unused);
    }

    @Override
    public void partCut(long startTime, long duration, boolean independent, ByteBuf fragment) {
        openParts.add(new SegmentPart(startTime, duration, independent, new SegmentBytes(fragment)));
        if (cutter.track().isVideo()) {
            probe.partCut(path, nextSequence, openParts.size() - 1, cutter.cutPartFirstPts(), cutter.cutPartLastPts());
        }
        publish();
    }

    @Override
    public void segmentCut(long startTime, long duration, Instant programDateTime) {
        if (discontinuityPending) {
            discontinuitySequence++;
        }
        MediaSegment segment = new MediaSegment(nextSequence++, discontinuitySequence, discontinuityPending,
                startTime, duration, format.timescale(), programDateTime, openParts, clock.instant());
        discontinuityPending = false;
        openParts.clear();
        maxSegmentDuration = Math.max(maxSegmentDuration, duration);
        recorder.closed(path, cutter.track(), window.currentInit(), segment);
        List<MediaSegment> gone = window.add(segment);
        List<InitSegment> unused = window.dropUnusedInits(nextSequence);
        publish();
        // Only after readers can no longer find them in the snapshot (bytes on disk need nothing).
        for (MediaSegment released : gone) {
            SegmentWindow.releaseParts(released.parts());
        }
        SegmentWindow.releaseInits(unused);
    }

    // ---- the store's calls ----

    /**
     * Ends this publication for a new one of the same path: cuts what is open and gives away
     * the segments and init segments (which this object then no longer releases).
     */
    synchronized PublicationHandover handOver() {
        if (lifecycle == Lifecycle.RELEASED) {
            return PublicationHandover.empty(nextSequence, discontinuitySequence);
        }
        cutter.finish();
        RenditionSnapshot bridge = init == null || window.inits().isEmpty() ? null
                : new RenditionSnapshot(path, cutter.track(), format, init, window.segments(), List.of(),
                        maxSegmentDuration, false, clock.instant(), nextSequence, window.inits(), !window.isEmpty());
        PublicationHandover handedOver = new PublicationHandover(List.copyOf(window.segments()),
                List.copyOf(window.inits()), maxSegmentDuration, nextSequence, discontinuitySequence, bridge);
        letGo(true);
        return handedOver;
    }

    /** Lets go of every buffer; later events are ignored. Readers holding slices keep them. */
    synchronized void release() {
        if (lifecycle == Lifecycle.RELEASED) {
            return;
        }
        letGo(false);
    }

    /**
     * Stops serving and cutting, and releases the open parts.
     *
     * @param handedOver the window's segments and init segments now belong to the next
     *                   publication: they are forgotten, not released
     */
    private void letGo(boolean handedOver) {
        lifecycle = Lifecycle.RELEASED;
        snapshot = null;
        if (handedOver) {
            window.clear();
        } else {
            window.release();
        }
        SegmentWindow.releaseParts(openParts);
        openParts.clear();
        cutter.discard();
    }

    /** Bytes held in memory: init segments, segments and open parts. */
    synchronized long storedBytes() {
        if (lifecycle == Lifecycle.RELEASED) {
            return 0;
        }
        long bytes = window.bytesInMemory();
        for (SegmentPart part : openParts) {
            bytes += part.size();
        }
        return bytes;
    }

    private void publish() {
        if (init == null) {
            return;
        }
        RenditionSnapshot published = new RenditionSnapshot(path, cutter.track(), format, init, window.segments(),
                openParts, maxSegmentDuration, lifecycle == Lifecycle.ENDED, clock.instant(), nextSequence,
                window.inits(), discontinuityPending, cutter.openSegmentDuration());
        snapshot = published;
        onPublish.accept(published);
    }

    @Override
    public String toString() {
        return "LiveRendition[" + path + "]";
    }
}
