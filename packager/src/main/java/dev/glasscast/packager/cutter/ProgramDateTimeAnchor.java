package dev.glasscast.packager.cutter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Where one stream's media time meets the wall clock, shared by the cutters of all its
 * renditions, so that the same media time gets the same program date-time in each (RFC 8216bis
 * 4.4.4.6 wants them consistent across renditions). hls.js aligns an audio playlist to the video
 * playlist by them; anchored each at its own first sample, renditions differed by what
 * transcoding delays a rung (0.2-0.5 s), and hls.js, fetching audio parts by those times, left
 * holes in the audio it buffered and jumped over them.
 *
 * <p>The first cutter to ask anchors it: its first sample's media time at the wall clock now.
 * After a break each cutter asks again, and the anchor moves only if it has drifted more than
 * {@link #DRIFT} from the wall clock (the publisher was away and nothing filled the gap): the
 * renditions, breaking one after another, stay on one mapping. A cutter keeps the {@link Mapping}
 * it was given until its own next break, so a move never shifts what it cut before.
 *
 * <p>Thread-safe: each rendition's cutter runs on its own thread.
 */
public final class ProgramDateTimeAnchor {

    /** More than any rung's transcoding delay, less than a publisher's absence worth noticing. */
    static final Duration DRIFT = Duration.ofSeconds(5);

    /** Media time {@code mediaNanos} presents at {@code wallClock}. */
    public record Mapping(Instant wallClock, long mediaNanos) {

        /** The wall-clock time of media time {@code nanos}. */
        public Instant at(long nanos) {
            return wallClock.plusNanos(nanos - mediaNanos);
        }
    }

    private final Clock clock;
    private Mapping mapping;

    public ProgramDateTimeAnchor(Clock clock) {
        this.clock = clock;
    }

    /** The mapping for a cutter whose next sample presents at {@code mediaNanos}. */
    public synchronized Mapping mappingFor(long mediaNanos) {
        Instant now = clock.instant();
        if (mapping == null || Duration.between(mapping.at(mediaNanos), now).abs().compareTo(DRIFT) > 0) {
            mapping = new Mapping(now, mediaNanos);
        }
        return mapping;
    }
}
