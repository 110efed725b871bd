package dev.glasscast.packager.hls;

import dev.glasscast.packager.cmaf.CmafResource;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the media playlist (RFC 8216bis section 4.4.3) of one rendition: fMP4 segments behind
 * an {@code EXT-X-MAP}, each with its program date-time, over a sliding window or the whole DVR
 * window; with a part target, the Low-Latency HLS additions (section 4.4.4.9 and appendix B):
 * {@code EXT-X-PART}s of the newest segments and of the one being written, a preload hint for
 * the next part, server control (blocking reload, delta updates) and rendition reports.
 *
 * <p>A pure function of snapshots and a {@link View}; thread-safe.
 */
public final class HlsMediaPlaylistRenderer {

    /** fMP4 segments (EXT-X-MAP in a playlist without I-frames-only) need version 6; 7 is what Apple tooling emits for CMAF. */
    static final int VERSION = 7;
    /** EXT-X-SKIP (delta updates) needs version 9. */
    static final int LOW_LATENCY_VERSION = 9;
    /** Closed segments whose parts are still listed: RFC 8216bis asks for those within three target durations of the end. */
    static final int SEGMENTS_WITH_PARTS = 2;
    /** CAN-SKIP-UNTIL in target durations: the minimum RFC 8216bis allows. */
    static final int SKIP_TARGET_DURATIONS = 6;
    /**
     * Segments a live LL-HLS playlist lists at least: twice CAN-SKIP-UNTIL of segments about one
     * target duration long, so a delta update leaves out about half the playlist. With only
     * CAN-SKIP-UNTIL listed (6 segments of 2 s and CAN-SKIP-UNTIL=12.0) {@code _HLS_skip=YES}
     * skipped nothing and returned the whole playlist.
     */
    static final int LOW_LATENCY_WINDOW_SEGMENTS = 2 * SKIP_TARGET_DURATIONS;

    /** ISO 8601 with milliseconds and an explicit UTC offset, as EXT-X-PROGRAM-DATE-TIME wants. */
    static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * What to render of a snapshot.
     *
     * @param wholeWindow every segment held (start-over), not only the newest {@code playlistSegments}
     * @param skip        a delta update ({@code _HLS_skip=YES}): old segments become an EXT-X-SKIP
     * @param endList     the stream is over: EXT-X-ENDLIST, no parts, no server control
     * @param others      the stream's other renditions, for EXT-X-RENDITION-REPORT
     * @param playlistName the name this playlist is requested under ({@code index.m3u8} or
     *                     {@code dvr.m3u8}), used in rendition reports
     */
    public record View(boolean wholeWindow, boolean skip, boolean endList, List<RenditionSnapshot> others,
                       String playlistName) {

        public View {
            others = List.copyOf(others);
        }

        /** The classic live or ended playlist of {@code rendition}. */
        public static View of(RenditionSnapshot rendition) {
            return new View(false, false, rendition.ended(), List.of(), HlsResource.PLAYLIST);
        }
    }

    private final int playlistSegments;
    private final Duration partTarget;

    /** Classic HLS without parts: {@code playlistSegments} of the newest segments. */
    public HlsMediaPlaylistRenderer(int playlistSegments) {
        this(playlistSegments, null);
    }

    /**
     * @param playlistSegments how many of the newest segments a live playlist lists
     * @param partTarget       the store's part duration, or null for classic HLS without parts
     */
    public HlsMediaPlaylistRenderer(int playlistSegments, Duration partTarget) {
        if (playlistSegments < 1) {
            throw new IllegalArgumentException("playlistSegments must be at least 1: " + playlistSegments);
        }
        this.playlistSegments = playlistSegments;
        this.partTarget = partTarget;
    }

    public int playlistSegments() {
        return playlistSegments;
    }

    public boolean lowLatency() {
        return partTarget != null;
    }

    /** The classic view of the playlist, or empty while the rendition has no segment yet. */
    public Optional<String> render(RenditionSnapshot rendition) {
        return render(rendition, View.of(rendition));
    }

    /** The playlist, or empty while the rendition has no segment yet (players retry). */
    public Optional<String> render(RenditionSnapshot rendition, View view) {
        List<MediaSegment> all = rendition.segments();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        boolean live = lowLatency() && !view.endList();
        int listed = live ? Math.max(playlistSegments, LOW_LATENCY_WINDOW_SEGMENTS) : playlistSegments;
        List<MediaSegment> window = view.wholeWindow() ? all : all.subList(Math.max(0, all.size() - listed), all.size());
        MediaSegment first = window.getFirst();
        long targetDuration = rendition.targetDurationSeconds();
        int timescale = rendition.timescale();
        long partTargetTicks = live ? partTargetTicks(rendition) : 0;
        // Delta updates are advertised only while one would leave something out (not while the
        // window is still filling after a start, nor just after a discontinuity).
        int skippable = live ? skippable(window, rendition, targetDuration) : 0;
        int skipped = view.skip() ? skippable : 0;

        StringBuilder m3u8 = new StringBuilder(256 + 160 * window.size());
        m3u8.append("#EXTM3U\n");
        m3u8.append("#EXT-X-VERSION:").append(lowLatency() ? LOW_LATENCY_VERSION : VERSION).append('\n');
        m3u8.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
        if (live) {
            m3u8.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES");
            if (skippable > 0) {
                m3u8.append(",CAN-SKIP-UNTIL=").append(SKIP_TARGET_DURATIONS * targetDuration).append(".0");
            }
            m3u8.append(",PART-HOLD-BACK=")
                    .append(secondsUp(3 * partTargetTicks, timescale)).append(",HOLD-BACK=")
                    .append(3 * targetDuration).append(".0\n");
            m3u8.append("#EXT-X-PART-INF:PART-TARGET=").append(secondsUp(partTargetTicks, timescale)).append('\n');
        }
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first.sequence()).append('\n');
        if (first.discontinuitySequence() > 0) {
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(first.discontinuitySequence()).append('\n');
        }
        m3u8.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        InitSegment init = rendition.initFor(first.sequence());
        m3u8.append("#EXT-X-MAP:URI=\"").append(CmafResource.initName(init.firstSequence())).append("\"\n");
        if (skipped > 0) {
            m3u8.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
        }
        for (int i = skipped; i < window.size(); i++) {
            MediaSegment segment = window.get(i);
            // The first listed segment's discontinuity is carried by EXT-X-DISCONTINUITY-SEQUENCE.
            if (segment.discontinuity() && segment != first) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            InitSegment segmentInit = rendition.initFor(segment.sequence());
            if (segmentInit != init) {
                init = segmentInit;
                m3u8.append("#EXT-X-MAP:URI=\"").append(CmafResource.initName(init.firstSequence())).append("\"\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:").append(PROGRAM_DATE_TIME.format(segment.programDateTime()))
                    .append('\n');
            if (live && i >= window.size() - SEGMENTS_WITH_PARTS && !hasOverlongPart(segment.parts(), rendition)) {
                appendParts(m3u8, segment.sequence(), segment.parts(), timescale);
            }
            m3u8.append("#EXTINF:").append(seconds(segment.duration(), timescale)).append(",\n");
            m3u8.append(CmafResource.segmentName(segment.sequence())).append('\n');
        }
        if (live) {
            long open = rendition.nextSequence();
            InitSegment openInit = rendition.initFor(open);
            if (!rendition.openParts().isEmpty()) {
                // A player appends parts as they are listed: the break must come before the first
                // one, or it places them on the old timeline and the rest of the segment elsewhere.
                if (rendition.openDiscontinuous() || openInit != init) {
                    m3u8.append("#EXT-X-DISCONTINUITY\n");
                }
                if (openInit != init) {
                    m3u8.append("#EXT-X-MAP:URI=\"").append(CmafResource.initName(openInit.firstSequence())).append("\"\n");
                }
            }
            appendParts(m3u8, open, rendition.openParts(), timescale);
            m3u8.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(nextPartName(rendition, partTargetTicks))
                    .append("\"\n");
            for (RenditionSnapshot other : view.others()) {
                appendRenditionReport(m3u8, other, view.playlistName());
            }
        }
        if (view.endList()) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return Optional.of(m3u8.toString());
    }

    /**
     * The part that comes next. Once the open segment is as long as the last one, less half a
     * part, it will most likely close before its next part (at the next key frame), so the hint
     * names the next segment's first part: a wrong guess then only means a longer wait for a part
     * that will exist, whereas hinting a part index the closed segment never got would be a 404.
     */
    private static String nextPartName(RenditionSnapshot rendition, long partTargetTicks) {
        long open = rendition.nextSequence();
        List<SegmentPart> parts = rendition.openParts();
        long written = 0;
        for (SegmentPart part : parts) {
            written += part.duration();
        }
        long typical = rendition.segments().getLast().duration();
        boolean due = !parts.isEmpty() && written + partTargetTicks / 2 >= typical;
        return due ? CmafResource.partName(open + 1, 0) : CmafResource.partName(open, parts.size());
    }

    private static void appendParts(StringBuilder m3u8, long sequence, List<SegmentPart> parts, int timescale) {
        for (int i = 0; i < parts.size(); i++) {
            SegmentPart part = parts.get(i);
            m3u8.append("#EXT-X-PART:DURATION=").append(seconds(part.duration(), timescale))
                    .append(",URI=\"").append(CmafResource.partName(sequence, i)).append('"');
            if (part.independent()) {
                m3u8.append(",INDEPENDENT=YES");
            }
            m3u8.append('\n');
        }
    }

    /** The last part another rendition's playlist lists, so a player can switch without a reload. */
    private static void appendRenditionReport(StringBuilder m3u8, RenditionSnapshot other, String playlistName) {
        long lastMsn;
        int lastPart;
        if (!other.openParts().isEmpty()) {
            lastMsn = other.nextSequence();
            lastPart = other.openParts().size() - 1;
        } else if (!other.segments().isEmpty()) {
            MediaSegment last = other.segments().getLast();
            lastMsn = last.sequence();
            lastPart = last.parts().size() - 1;
        } else {
            return;
        }
        m3u8.append("#EXT-X-RENDITION-REPORT:URI=\"../").append(other.path().rendition()).append('/')
                .append(playlistName).append("\",LAST-MSN=").append(lastMsn).append(",LAST-PART=")
                .append(lastPart).append('\n');
    }

    /**
     * How many of the oldest listed segments a delta update leaves out: those that end at least
     * CAN-SKIP-UNTIL before the end of the playlist, stopping at a discontinuity so the client's
     * copy of the skipped part never spans one.
     */
    private static int skippable(List<MediaSegment> window, RenditionSnapshot rendition, long targetDuration) {
        long end = window.getLast().startTime() + window.getLast().duration();
        for (SegmentPart part : rendition.openParts()) {
            end = Math.max(end, part.startTime() + part.duration());
        }
        long boundary = end - SKIP_TARGET_DURATIONS * targetDuration * rendition.timescale();
        int skipped = 0;
        for (MediaSegment segment : window) {
            boolean crossesDiscontinuity = skipped > 0 && segment.discontinuity();
            if (crossesDiscontinuity || segment.startTime() + segment.duration() > boundary) {
                break;
            }
            skipped++;
        }
        return skipped == window.size() ? 0 : skipped;
    }

    /**
     * PART-TARGET, in ticks: the store's part duration, or the longest part listed if longer (a
     * part closes at the first sample at or after the target, e.g. 16 AAC frames = 341 ms for a
     * 333 ms target), because every EXT-X-PART duration must be at most PART-TARGET.
     *
     * <p>Only the parts the playlist lists count, not every part held: one long part (a gap in
     * the timestamps, a transcoder that dropped pictures while starting) would otherwise raise
     * PART-TARGET, and with it PART-HOLD-BACK, the latency players aim at, for the whole DVR
     * window rather than for the few seconds it is listed.
     */
    private long configuredPartTicks(RenditionSnapshot rendition) {
        return Math.ceilDiv(partTarget.toNanos() * rendition.timescale(), 1_000_000_000L);
    }

    /**
     * Whether a part runs well past the part target (a transcoder that stalled while starting).
     * RFC 8216bis wants every part at most PART-TARGET and all but a segment's last at least 85 %
     * of it, so one such part listed breaks one rule or the other for every regular part. A
     * closed segment holding one is listed without its parts (players fetch it whole); only the
     * segment being written, whose parts are the live edge, raises PART-TARGET while it is open.
     */
    private boolean hasOverlongPart(List<SegmentPart> parts, RenditionSnapshot rendition) {
        long limit = configuredPartTicks(rendition) * 3 / 2;
        for (SegmentPart part : parts) {
            if (part.duration() > limit) {
                return true;
            }
        }
        return false;
    }

    long partTargetTicks(RenditionSnapshot rendition) {
        long ticks = configuredPartTicks(rendition);
        List<MediaSegment> segments = rendition.segments();
        for (MediaSegment segment : segments.subList(Math.max(0, segments.size() - SEGMENTS_WITH_PARTS), segments.size())) {
            if (hasOverlongPart(segment.parts(), rendition)) {
                continue;
            }
            for (SegmentPart part : segment.parts()) {
                ticks = Math.max(ticks, part.duration());
            }
        }
        for (SegmentPart part : rendition.openParts()) {
            ticks = Math.max(ticks, part.duration());
        }
        return ticks;
    }

    /** Ticks as seconds with three decimals, rounded half up, without floating-point surprises. */
    static String seconds(long ticks, int timescale) {
        long millis = (ticks * 1000 + timescale / 2) / timescale;
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }

    /** Ticks as seconds with three decimals, rounded up: for bounds that rounded durations must not exceed. */
    static String secondsUp(long ticks, int timescale) {
        long millis = Math.ceilDiv(ticks * 1000, timescale);
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
