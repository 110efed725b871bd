package dev.glasscast.packager.hls;

import dev.glasscast.packager.store.MediaSegment;
import dev.glasscast.packager.store.RenditionSnapshot;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the media playlist (RFC 8216bis section 4.4.3) of one rendition: fMP4 segments behind
 * an {@code EXT-X-MAP}, each with its program date-time, over a sliding window.
 *
 * <p>A pure function of a snapshot; thread-safe.
 */
public final class HlsMediaPlaylistRenderer {

    /** fMP4 segments (EXT-X-MAP in a playlist without I-frames-only) need version 6; 7 is what Apple tooling emits for CMAF. */
    static final int VERSION = 7;

    /** ISO 8601 with milliseconds and an explicit UTC offset, as EXT-X-PROGRAM-DATE-TIME wants. */
    static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final int playlistSegments;

    /** @param playlistSegments how many of the newest segments a playlist lists */
    public HlsMediaPlaylistRenderer(int playlistSegments) {
        if (playlistSegments < 1) {
            throw new IllegalArgumentException("playlistSegments must be at least 1: " + playlistSegments);
        }
        this.playlistSegments = playlistSegments;
    }

    /** The playlist, or empty while the rendition has no segment yet (players retry). */
    public Optional<String> render(RenditionSnapshot rendition) {
        List<MediaSegment> all = rendition.segments();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        List<MediaSegment> window = all.subList(Math.max(0, all.size() - playlistSegments), all.size());
        MediaSegment first = window.getFirst();
        StringBuilder m3u8 = new StringBuilder(128 + 96 * window.size());
        m3u8.append("#EXTM3U\n");
        m3u8.append("#EXT-X-VERSION:").append(VERSION).append('\n');
        m3u8.append("#EXT-X-TARGETDURATION:").append(targetDuration(rendition)).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first.sequence()).append('\n');
        if (first.discontinuitySequence() > 0) {
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(first.discontinuitySequence()).append('\n');
        }
        m3u8.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        m3u8.append("#EXT-X-MAP:URI=\"").append(HlsResource.INIT).append("\"\n");
        for (MediaSegment segment : window) {
            // The first listed segment's discontinuity is carried by EXT-X-DISCONTINUITY-SEQUENCE.
            if (segment.discontinuity() && segment != first) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:").append(PROGRAM_DATE_TIME.format(segment.programDateTime()))
                    .append('\n');
            m3u8.append("#EXTINF:").append(seconds(segment.duration(), segment.timescale())).append(",\n");
            m3u8.append(HlsResource.segmentName(segment.sequence())).append('\n');
        }
        if (rendition.ended()) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return Optional.of(m3u8.toString());
    }

    /**
     * The longest segment ever, in seconds rounded to the nearest integer, so it never shrinks.
     * RFC 8216bis 4.4.3.1 asks that every EXTINF, rounded to the nearest integer, be at most the
     * target duration. Rounding up instead would turn 2.005 s AAC segments (94 frames of
     * 1024 samples at 48 kHz) into a 3 s target, and players hold back three target durations
     * from the live edge.
     */
    static long targetDuration(RenditionSnapshot rendition) {
        long timescale = rendition.timescale();
        return Math.max(1, (rendition.maxSegmentDuration() + timescale / 2) / timescale);
    }

    /** Ticks as seconds with three decimals, rounded half up, without floating-point surprises. */
    static String seconds(long ticks, int timescale) {
        long millis = (ticks * 1000 + timescale / 2) / timescale;
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
