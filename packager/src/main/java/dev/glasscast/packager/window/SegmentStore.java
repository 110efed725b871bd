package dev.glasscast.packager.window;

import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.packager.cutter.ProgramDateTimeAnchor;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one place media is kept: for every rendition published in the hub (sources are left to
 * the transcoder), its fMP4 init segment and a sliding window of segments made of parts.
 *
 * <p>Register it with {@code hub.addListener(store)}. Renderers read {@link RenditionSnapshot}s
 * through {@link RenditionLookup} from any thread without locking. A rendition whose publisher
 * stopped stays readable (marked ended) for {@code endedRetention}; {@link #purgeExpired()}
 * (called on every publish, and meant to be called periodically by the daemon) then drops it.
 * Republishing a path continues its media sequence after a discontinuity and keeps the earlier
 * publication's segments (with their own init segment) in the window, so URLs of segments that
 * caches may still hold are never reused for other bytes, and a player that follows the live
 * edge across a reconnect sees the old segments, a discontinuity, then the new ones.
 *
 * <p>Buffer ownership: the store owns every init segment and part it wrote, until eviction,
 * purge or {@link #close()}; readers get retained slices of their own.
 */
public final class SegmentStore implements StreamListener, RenditionLookup, AutoCloseable {

    /** How long an ended rendition stays readable unless told otherwise. */
    public static final Duration DEFAULT_ENDED_RETENTION = Duration.ofMinutes(5);

    private final SegmentStoreLimits limits;
    private final Fmp4InitSegmentWriter initWriter;
    private final Fmp4FragmentWriter fragmentWriter;
    private final Clock clock;
    private final Duration endedRetention;
    private final FirstSequenceNumber firstSequenceNumber;
    private final Consumer<RenditionSnapshot> onPublish;
    private final RenditionRecorder recorder;
    private final LatencyProbe probe;
    private final Map<StreamPath, LiveRendition> renditions = new ConcurrentHashMap<>();
    /** Per stream, shared by its renditions so that their program date-times agree; one small object per stream name. */
    private final Map<String, ProgramDateTimeAnchor> anchors = new ConcurrentHashMap<>();

    /**
     * @param limits         how to cut and how much to keep
     * @param allocator      where init segments and parts are allocated (normally
     *                       {@code PooledByteBufAllocator.DEFAULT})
     * @param clock          wall clock for program date-times and expiry
     * @param endedRetention how long a rendition stays readable after its publisher stopped
     */
    public SegmentStore(SegmentStoreLimits limits, ByteBufAllocator allocator, Clock clock, Duration endedRetention) {
        this(limits, allocator, clock, endedRetention, FirstSequenceNumber.ZERO, snapshot -> { });
    }

    /**
     * @param firstSequenceNumber where a rendition's numbering starts (the daemon uses
     *                      {@link FirstSequenceNumber#EPOCH_SECONDS})
     * @param onPublish     told of every new snapshot on the publishing thread, with the
     *                      rendition's lock held: it must only hand the snapshot on (e.g.
     *                      {@link SnapshotWaiters#published})
     */
    public SegmentStore(SegmentStoreLimits limits, ByteBufAllocator allocator, Clock clock, Duration endedRetention,
                        FirstSequenceNumber firstSequenceNumber, Consumer<RenditionSnapshot> onPublish) {
        this(limits, allocator, clock, endedRetention, firstSequenceNumber, onPublish, RenditionRecorder.NONE);
    }

    /**
     * @param recorder records every closed segment as it closes and, for segments older than
     *                 {@link SegmentStoreLimits#memorySegments()}, gives back a copy read from
     *                 disk, so memory holds only the newest segments of a long DVR window
     */
    public SegmentStore(SegmentStoreLimits limits, ByteBufAllocator allocator, Clock clock, Duration endedRetention,
                        FirstSequenceNumber firstSequenceNumber, Consumer<RenditionSnapshot> onPublish, RenditionRecorder recorder) {
        this(limits, allocator, clock, endedRetention, firstSequenceNumber, onPublish, recorder, LatencyProbe.OFF);
    }

    /** @param probe marks each video unit as a rendition's segmenter takes it in, and each part cut */
    public SegmentStore(SegmentStoreLimits limits, ByteBufAllocator allocator, Clock clock, Duration endedRetention,
                        FirstSequenceNumber firstSequenceNumber, Consumer<RenditionSnapshot> onPublish, RenditionRecorder recorder,
                        LatencyProbe probe) {
        this.recorder = recorder;
        this.probe = probe;
        this.firstSequenceNumber = firstSequenceNumber;
        this.onPublish = onPublish;
        this.limits = limits;
        this.initWriter = new Fmp4InitSegmentWriter(allocator);
        this.fragmentWriter = new Fmp4FragmentWriter(allocator);
        this.clock = clock;
        this.endedRetention = endedRetention;
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        StreamPath path = stream.path();
        if (path.isSource()) {
            return null;
        }
        purgeExpired();
        LiveRendition[] created = new LiveRendition[1];
        renditions.compute(path, (key, old) -> {
            PublicationHandover handedOver = old == null
                    ? PublicationHandover.empty(firstSequenceNumber.firstSequence(clock.instant()), 0)
                    : old.handOver();
            // A reconnect (the earlier publication is still held) continues its event's recording.
            recorder.started(path, old != null);
            created[0] = new LiveRendition(path, limits, initWriter, fragmentWriter, clock,
                    anchors.computeIfAbsent(path.stream(), name -> new ProgramDateTimeAnchor(clock)), handedOver,
                    onPublish, recorder, probe);
            return created[0];
        });
        return created[0];
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        LiveRendition live = renditions.get(rendition);
        return live == null ? Optional.empty() : Optional.ofNullable(live.snapshot());
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        List<RenditionSnapshot> found = new ArrayList<>();
        for (Map.Entry<StreamPath, LiveRendition> entry : renditions.entrySet()) {
            if (entry.getKey().stream().equals(stream)) {
                RenditionSnapshot snapshot = entry.getValue().snapshot();
                if (snapshot != null) {
                    found.add(snapshot);
                }
            }
        }
        found.sort(Comparator.comparing(s -> s.path().rendition()));
        return found;
    }

    /** Drops renditions that ended more than {@code endedRetention} ago and releases their buffers. */
    public void purgeExpired() {
        Instant cutoff = clock.instant().minus(endedRetention);
        for (Map.Entry<StreamPath, LiveRendition> entry : renditions.entrySet()) {
            Instant endedAt = entry.getValue().endedAt();
            if (endedAt != null && endedAt.isBefore(cutoff) && renditions.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().release();
            }
        }
    }

    /** Bytes of media held, over all renditions. */
    public long storedBytes() {
        long bytes = 0;
        for (LiveRendition rendition : renditions.values()) {
            bytes += rendition.storedBytes();
        }
        return bytes;
    }

    /** Releases every buffer; renditions still being published stop being recorded. */
    @Override
    public void close() {
        for (StreamPath path : List.copyOf(renditions.keySet())) {
            LiveRendition rendition = renditions.remove(path);
            if (rendition != null) {
                rendition.release();
            }
        }
    }
}
