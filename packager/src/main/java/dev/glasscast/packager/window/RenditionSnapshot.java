package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the store holds for one rendition at one instant. Immutable: renderers read it from any
 * thread without locks while the store publishes newer snapshots.
 *
 * @param path               the rendition
 * @param track              the input track the rendition carries
 * @param format             the fMP4 output track (codec, output timescale)
 * @param init               the init segment
 * @param segments           the closed segments still held, oldest first
 * @param openParts          the parts of the segment being written (for LL-HLS), oldest first
 * @param maxSegmentDuration longest segment so far, in the output timescale; never shrinks, so
 *                           a playlist's target duration never changes
 * @param ended              true once the publisher stopped: no segment will follow
 * @param updatedAt          when this snapshot was published
 * @param nextSequence       the media sequence number the segment being written (whose parts
 *                           are {@code openParts}) will get
 * @param inits              the init segment of every publication that still has segments held,
 *                           and of the current one, by ascending first sequence; the last one is
 *                           {@code init}
 * @param openDiscontinuous  the segment being written begins after a break in the timeline (a
 *                           reconnect, the slate standing in or stepping aside): a playlist must
 *                           say so before its first part, not only once it is closed
 * @param openSegmentDuration what the segment being written will last, in the output
 *                           timescale, decided when it opened (0 if unknown): low-latency DASH
 *                           lists that segment before it closes, and a timeline entry once
 *                           published must not change
 */
public record RenditionSnapshot(StreamPath path, TrackInfo track, Fmp4Track format, SegmentBytes init,
                                List<MediaSegment> segments, List<SegmentPart> openParts, long maxSegmentDuration,
                                boolean ended, Instant updatedAt, long nextSequence, List<InitSegment> inits,
                                boolean openDiscontinuous, long openSegmentDuration) {

    public RenditionSnapshot {
        segments = List.copyOf(segments);
        openParts = List.copyOf(openParts);
        inits = List.copyOf(inits);
        if (inits.isEmpty()) {
            throw new IllegalArgumentException("a rendition needs an init segment");
        }
    }

    /** The length of the segment being written is not known in advance. */
    public RenditionSnapshot(StreamPath path, TrackInfo track, Fmp4Track format, SegmentBytes init,
                             List<MediaSegment> segments, List<SegmentPart> openParts, long maxSegmentDuration,
                             boolean ended, Instant updatedAt, long nextSequence, List<InitSegment> inits,
                             boolean openDiscontinuous) {
        this(path, track, format, init, segments, openParts, maxSegmentDuration, ended, updatedAt, nextSequence, inits,
                openDiscontinuous, 0);
    }

    /** No segment being written after a break. */
    public RenditionSnapshot(StreamPath path, TrackInfo track, Fmp4Track format, SegmentBytes init,
                             List<MediaSegment> segments, List<SegmentPart> openParts, long maxSegmentDuration,
                             boolean ended, Instant updatedAt, long nextSequence, List<InitSegment> inits) {
        this(path, track, format, init, segments, openParts, maxSegmentDuration, ended, updatedAt, nextSequence, inits,
                false);
    }

    /** One publication: its init segment serves every segment held. */
    public RenditionSnapshot(StreamPath path, TrackInfo track, Fmp4Track format, SegmentBytes init,
                             List<MediaSegment> segments, List<SegmentPart> openParts, long maxSegmentDuration,
                             boolean ended, Instant updatedAt) {
        this(path, track, format, init, segments, openParts, maxSegmentDuration, ended, updatedAt,
                segments.isEmpty() ? 0 : segments.getLast().sequence() + 1,
                List.of(new InitSegment(segments.isEmpty() ? 0 : segments.getFirst().sequence(), init, track)));
    }

    /** The init segment that segment {@code sequence} decodes with. */
    public InitSegment initFor(long sequence) {
        InitSegment found = inits.getFirst();
        for (InitSegment candidate : inits) {
            if (candidate.firstSequence() <= sequence) {
                found = candidate;
            }
        }
        return found;
    }

    /** The init segment named by its first sequence, or null if none is held under that name. */
    public InitSegment initNamed(long firstSequence) {
        for (InitSegment candidate : inits) {
            if (candidate.firstSequence() == firstSequence) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Part {@code index} of segment {@code sequence}, closed or still being written, or null if
     * it does not exist (yet, or any more).
     */
    public SegmentPart part(long sequence, int index) {
        List<SegmentPart> parts;
        if (sequence == nextSequence && !ended) {
            parts = openParts;
        } else {
            MediaSegment segment = segment(sequence);
            if (segment == null) {
                return null;
            }
            parts = segment.parts();
        }
        return index >= 0 && index < parts.size() ? parts.get(index) : null;
    }

    /** True once part {@code index} of segment {@code sequence} exists, or any later media does. */
    public boolean hasPartOrLater(long sequence, int index) {
        if (sequence < nextSequence) {
            return true;
        }
        return sequence == nextSequence && index < openParts.size();
    }

    /**
     * The longest segment ever, in seconds rounded to the nearest integer, so it never shrinks.
     * RFC 8216bis 4.4.3.1 asks that every EXTINF, rounded to the nearest integer, be at most the
     * target duration. Rounding up instead would turn 2.005 s AAC segments (94 frames of
     * 1024 samples at 48 kHz) into a 3 s target, and players hold back three target durations
     * from the live edge. It is also the unit in which a request for media that does not exist
     * yet (a blocking playlist reload, a preload-hinted part) waits for it.
     */
    public long targetDurationSeconds() {
        long timescale = timescale();
        return Math.max(1, (maxSegmentDuration + timescale / 2) / timescale);
    }

    public int timescale() {
        return format.timescale();
    }

    public boolean isVideo() {
        return track.isVideo();
    }

    /** The segment with this media sequence number, or null if it is not (or no longer) held. */
    public MediaSegment segment(long sequence) {
        if (segments.isEmpty()) {
            return null;
        }
        long index = sequence - segments.getFirst().sequence();
        if (index >= 0 && index < segments.size() && segments.get((int) index).sequence() == sequence) {
            return segments.get((int) index);
        }
        // A recording may miss segments its writer had to drop: numbers then have gaps.
        int low = 0;
        int high = segments.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long found = segments.get(middle).sequence();
            if (found < sequence) {
                low = middle + 1;
            } else if (found > sequence) {
                high = middle - 1;
            } else {
                return segments.get(middle);
            }
        }
        return null;
    }

    /** Highest segment bitrate held, in bits per second; 0 without segments. */
    public long peakBitrate() {
        long peak = 0;
        for (MediaSegment segment : segments) {
            peak = Math.max(peak, segment.bitrate());
        }
        return peak;
    }

    /** Bits per second over all segments held; 0 without segments. */
    public long averageBitrate() {
        long bytes = 0;
        double seconds = 0;
        for (MediaSegment segment : segments) {
            bytes += segment.size();
            // Each segment in its own timescale: earlier periods may count in another.
            seconds += (double) segment.duration() / segment.timescale();
        }
        return seconds == 0 ? 0 : Math.round(bytes * 8.0 / seconds);
    }

    /** Bits per second of the parts written so far in the open segment; 0 if none. */
    public long openPartsBitrate() {
        long bytes = 0;
        long duration = 0;
        for (SegmentPart part : openParts) {
            bytes += part.size();
            duration += part.duration();
        }
        return duration == 0 ? 0 : Math.round(bytes * 8.0 * timescale() / duration);
    }

    /**
     * Segments the audio must have on its own before a stream without any video rendition is
     * taken for audio only. At the start of an ordinary stream the audio rendition can be there
     * a moment before the video's; a player handed an audio-only playlist then would never show
     * the picture.
     */
    public static final int AUDIO_ONLY_AFTER_SEGMENTS = 2;

    /**
     * The audio rendition of a stream that has no video rendition at all and whose audio has
     * stood alone for {@link #AUDIO_ONLY_AFTER_SEGMENTS} segments: a radio-style stream, which
     * the playlists announce as audio only.
     *
     * @param renditions every rendition of one stream
     */
    public static Optional<RenditionSnapshot> audioOnlyStream(List<RenditionSnapshot> renditions) {
        if (renditions.stream().anyMatch(RenditionSnapshot::isVideo)) {
            return Optional.empty();
        }
        return renditions.stream().filter(r -> r.segments().size() >= AUDIO_ONLY_AFTER_SEGMENTS).findFirst();
    }
}
