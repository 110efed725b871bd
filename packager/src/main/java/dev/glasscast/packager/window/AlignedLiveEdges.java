package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The renditions as the HLS playlists list them: every live video rendition of a stream ends
 * where the one furthest behind ends, so the stream's rungs have one live edge.
 *
 * <p>Why: a passthrough rung is cut as the source arrives, a transcoded one a few hundred
 * milliseconds later (more on a loaded machine). A player sets its distance from the live edge
 * by the rung it plays. Playing the passthrough near its edge and then switching to a transcoded
 * rung (an ABR step down, a viewer choosing it), it asked for media that rung did not have yet,
 * and stalled until it came. Listing every rung only up to what all of them have costs the
 * leading rungs that lag in latency, and makes every switch land on media that exists.
 *
 * <p>A rendition is held back by at most {@link #MAX_HOLD_SEGMENTS} segment: a rung further
 * behind than that (a wedged encoder, timelines that disagree across a reconnect) is left out
 * of the comparison rather than hold the whole stream back. Audio renditions are not held: their
 * parts do not line up with the video's, and a player plays audio buffered ahead without harm.
 * Only the listing changes: every part and segment stays where it is, for the player that
 * already asked for it (a preload hint, a blocking reload) to fetch.
 */
public final class AlignedLiveEdges implements RenditionLookup {

    /** How far, in segments, a rendition is held back for another at most. */
    static final int MAX_HOLD_SEGMENTS = 1;

    /** Part boundaries of rungs cut at the same pictures agree to within rounding. */
    private static final double SAME_TIME_SECONDS = 0.005;

    /** How far a rendition's playlist reaches: its open segment and how many of its parts. */
    private record Position(long nextSequence, int openParts) {
        static Position of(RenditionSnapshot rendition) {
            return new Position(rendition.nextSequence(), rendition.openParts().size());
        }

        boolean before(Position other) {
            return nextSequence < other.nextSequence || (nextSequence == other.nextSequence && openParts < other.openParts);
        }

        static Position later(Position a, Position b) {
            return a.before(b) ? b : a;
        }
    }

    private final RenditionLookup renditions;
    /**
     * How far each live rendition has been listed. A rung that was left out of the comparison
     * (more than a segment behind, just started, back from a reconnect) can move the edge back
     * when it comes within reach; what was listed stays listed (RFC 8216bis 6.2.1: an update
     * removes segments only from the start; a player or cache may already hold them), so the
     * edge never goes back past this.
     */
    private final Map<StreamPath, Position> listed = new ConcurrentHashMap<>();

    public AlignedLiveEdges(RenditionLookup renditions) {
        this.renditions = renditions;
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        Optional<RenditionSnapshot> found = renditions.find(rendition);
        if (found.isEmpty() || !heldBackable(found.get())) {
            found.filter(RenditionSnapshot::ended).ifPresent(ended -> listed.remove(rendition));
            return found;
        }
        return Optional.of(aligned(found.get(), renditions.renditions(rendition.stream())));
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        List<RenditionSnapshot> all = renditions.renditions(stream);
        List<RenditionSnapshot> aligned = new ArrayList<>(all.size());
        for (RenditionSnapshot snapshot : all) {
            aligned.add(heldBackable(snapshot) ? aligned(snapshot, all) : snapshot);
        }
        return aligned;
    }

    /** {@link #heldBack}, but never listing less than this rendition was listed before. */
    private RenditionSnapshot aligned(RenditionSnapshot rendition, List<RenditionSnapshot> stream) {
        RenditionSnapshot view = heldBack(rendition, stream);
        Position shown = listed.merge(rendition.path(), Position.of(view), Position::later);
        if (!Position.of(view).before(shown)) {
            return view;
        }
        return Position.of(rendition).before(shown) ? rendition : listedAt(rendition, shown);
    }

    private static boolean heldBackable(RenditionSnapshot snapshot) {
        return snapshot.isVideo() && !snapshot.ended() && !snapshot.segments().isEmpty();
    }

    /** {@code rendition} listed up to the live edge of the stream's video renditions. */
    static RenditionSnapshot heldBack(RenditionSnapshot rendition, List<RenditionSnapshot> stream) {
        double own = listedEnd(rendition);
        double longest = (double) rendition.maxSegmentDuration() / rendition.timescale();
        double edge = own;
        for (RenditionSnapshot other : stream) {
            if (other.path().equals(rendition.path()) || !heldBackable(other)) {
                continue;
            }
            double otherEnd = listedEnd(other);
            if (own - otherEnd <= MAX_HOLD_SEGMENTS * longest) {
                edge = Math.min(edge, otherEnd);
            }
        }
        return edge + SAME_TIME_SECONDS >= own ? rendition : listedUpTo(rendition, edge + SAME_TIME_SECONDS);
    }

    /** Where the last part or segment listed ends, in seconds of the rendition's timeline. */
    static double listedEnd(RenditionSnapshot rendition) {
        List<SegmentPart> open = rendition.openParts();
        if (!open.isEmpty()) {
            SegmentPart last = open.getLast();
            return (double) (last.startTime() + last.duration()) / rendition.timescale();
        }
        MediaSegment last = rendition.segments().getLast();
        return (double) (last.startTime() + last.duration()) / last.timescale();
    }

    /**
     * The rendition with what ends after {@code edge} left out: open parts, and if the edge lies
     * within the last closed segment, that segment listed as still open with the parts before the
     * edge. Anything further back is not held (the rendition is returned as it is).
     */
    private static RenditionSnapshot listedUpTo(RenditionSnapshot rendition, double edge) {
        List<SegmentPart> openBefore = partsEndingBy(rendition.openParts(), rendition.timescale(), edge);
        List<MediaSegment> segments = rendition.segments();
        MediaSegment last = segments.getLast();
        boolean withinOpenSegment = !openBefore.isEmpty()
                || (double) (last.startTime() + last.duration()) / last.timescale() <= edge;
        if (withinOpenSegment) {
            return with(rendition, segments, openBefore, rendition.nextSequence(), rendition.openDiscontinuous(),
                    rendition.openSegmentDuration());
        }
        if (segments.size() < 2 || last.timescale() != rendition.timescale()) {
            return rendition;
        }
        // The last closed segment is listed as the open one: the same parts, under the same names.
        return with(rendition, segments.subList(0, segments.size() - 1),
                partsEndingBy(last.parts(), last.timescale(), edge), last.sequence(), last.discontinuity(),
                last.duration());
    }

    /**
     * The rendition listed as far as {@code position}, which lies within its open segment or its
     * last closed one; anything further back is not held (the rendition is returned as it is).
     */
    private static RenditionSnapshot listedAt(RenditionSnapshot rendition, Position position) {
        if (position.nextSequence() == rendition.nextSequence()) {
            return with(rendition, rendition.segments(), rendition.openParts().subList(0, position.openParts()),
                    rendition.nextSequence(), rendition.openDiscontinuous(), rendition.openSegmentDuration());
        }
        List<MediaSegment> segments = rendition.segments();
        MediaSegment last = segments.getLast();
        if (position.nextSequence() != last.sequence() || segments.size() < 2 || last.timescale() != rendition.timescale()
                || position.openParts() >= last.parts().size()) {
            return rendition;
        }
        return with(rendition, segments.subList(0, segments.size() - 1), last.parts().subList(0, position.openParts()),
                last.sequence(), last.discontinuity(), last.duration());
    }

    private static List<SegmentPart> partsEndingBy(List<SegmentPart> parts, int timescale, double edge) {
        int kept = 0;
        while (kept < parts.size() && (double) (parts.get(kept).startTime() + parts.get(kept).duration()) / timescale <= edge) {
            kept++;
        }
        return parts.subList(0, kept);
    }

    private static RenditionSnapshot with(RenditionSnapshot rendition, List<MediaSegment> segments,
                                          List<SegmentPart> openParts, long nextSequence, boolean openDiscontinuous,
                                          long openSegmentDuration) {
        return new RenditionSnapshot(rendition.path(), rendition.track(), rendition.format(), rendition.init(), segments,
                openParts, rendition.maxSegmentDuration(), false, rendition.updatedAt(), nextSequence, rendition.inits(),
                openDiscontinuous, openSegmentDuration);
    }
}
