package dev.glasscast.packager.dash;

import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.cmaf.CmafResource;
import dev.glasscast.packager.fmp4.Rfc6381Codecs;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders the MPD (ISO/IEC 23009-1, DASH-IF IOP live profile) of one stream from the same CMAF
 * segments HLS serves: one video AdaptationSet with a Representation per video rendition, one
 * audio AdaptationSet, each Representation a {@code SegmentTemplate} with {@code $Number$} (the
 * HLS media sequence number, so both formats fetch the same URLs) and a {@code SegmentTimeline}
 * of the exact durations.
 *
 * <h2>Time</h2>
 * Live: {@code type="dynamic"}, {@code availabilityStartTime} the Unix epoch, each Period's
 * {@code start} the program date-time of its first video segment, so Periods never move while
 * the window slides. A Period per publication (per discontinuity sequence): a reconnect starts a
 * new Period with its own init segment. Media time maps to the Period through
 * {@code presentationTimeOffset}: the first video segment's decode time, the same instant in
 * every rendition's timescale (renditions share the source's timeline).
 * Ended: {@code type="static"}, Periods start from 0 at the first segment held, with
 * {@code mediaPresentationDuration}.
 *
 * <h2>Low latency</h2>
 * With {@link View#latencyTarget()}: a {@code ServiceDescription} with the latency target and
 * playback-rate bounds for catch-up; players sync their clocks through {@code UTCTiming}.
 *
 * <p>A pure function of snapshots and a {@link View}; thread-safe.
 */
public final class DashManifestRenderer {

    static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final String EPOCH = "1970-01-01T00:00:00Z";

    /**
     * What to render.
     *
     * @param ended               the stream is over: a static MPD
     * @param timeShiftBuffer     the DVR window, for {@code timeShiftBufferDepth}
     * @param minimumUpdatePeriod how often a live player reloads the MPD
     * @param utcTiming           URL of the daemon's ISO-8601 time endpoint
     * @param latencyTarget       a ServiceDescription latency target, or null for none
     * @param availabilityTimeOffset low-latency DASH: how long before its end a segment can be
     *                            requested (segment minus part duration), the segment being
     *                            written is listed with a predicted duration, and the server
     *                            streams it as parts are cut; null for segments listed once complete
     */
    public record View(boolean ended, Duration timeShiftBuffer, Duration minimumUpdatePeriod, String utcTiming,
                       Duration latencyTarget, Duration availabilityTimeOffset) {

        public View(boolean ended, Duration timeShiftBuffer, Duration minimumUpdatePeriod, String utcTiming,
                    Duration latencyTarget) {
            this(ended, timeShiftBuffer, minimumUpdatePeriod, utcTiming, latencyTarget, null);
        }
    }

    /** The MPD, or empty while the stream has no video segment yet and is not known to be audio only. */
    public Optional<String> render(List<RenditionSnapshot> renditions, View view) {
        List<RenditionSnapshot> video = new ArrayList<>();
        List<RenditionSnapshot> audio = new ArrayList<>();
        for (RenditionSnapshot rendition : renditions) {
            if (rendition.segments().isEmpty()) {
                continue;
            }
            (rendition.isVideo() ? video : audio).add(rendition);
        }
        Optional<RenditionSnapshot> audioOnly = RenditionSnapshot.audioOnlyStream(renditions);
        if (video.isEmpty() && audioOnly.isEmpty()) {
            return Optional.empty();
        }
        // The periods follow the video (H.264 first, which every rung but an HEVC passthrough is);
        // a radio-style stream's, its audio.
        RenditionSnapshot reference = video.isEmpty() ? audioOnly.get() : video.stream()
                .filter(rendition -> rendition.track().codec() == Codec.H264).findFirst().orElse(video.getFirst());
        TreeSet<Long> periods = new TreeSet<>();
        for (MediaSegment segment : reference.segments()) {
            periods.add(segment.discontinuitySequence());
        }
        Instant base = view.ended() ? firstOf(reference, periods.first()).programDateTime() : Instant.EPOCH;
        Instant publishTime = Instant.EPOCH;
        for (RenditionSnapshot rendition : renditions) {
            publishTime = rendition.updatedAt().isAfter(publishTime) ? rendition.updatedAt() : publishTime;
        }

        StringBuilder mpd = new StringBuilder(2048);
        mpd.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        mpd.append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\"");
        if (view.ended()) {
            MediaSegment last = reference.segments().getLast();
            Instant end = last.programDateTime().plusNanos(nanos(last.duration(), last.timescale()));
            mpd.append(" type=\"static\" mediaPresentationDuration=\"").append(duration(Duration.between(base, end)))
                    .append('"');
        } else {
            mpd.append(" type=\"dynamic\" availabilityStartTime=\"").append(EPOCH).append("\" publishTime=\"")
                    .append(DATE_TIME.format(publishTime)).append("\" minimumUpdatePeriod=\"")
                    .append(duration(view.minimumUpdatePeriod())).append("\" timeShiftBufferDepth=\"")
                    .append(duration(view.timeShiftBuffer())).append('"');
        }
        mpd.append(" maxSegmentDuration=\"").append(durationUp(longestSegment(video, audio, view))).append('"');
        mpd.append(" minBufferTime=\"PT1S\">\n");
        if (!view.ended() && view.latencyTarget() != null) {
            long target = view.latencyTarget().toMillis();
            mpd.append("  <ServiceDescription id=\"0\">\n");
            mpd.append("    <Latency referenceId=\"0\" target=\"").append(target).append("\" min=\"")
                    .append(target / 2).append("\" max=\"").append(target * 3).append("\"/>\n");
            mpd.append("    <PlaybackRate min=\"0.96\" max=\"1.04\"/>\n");
            mpd.append("  </ServiceDescription>\n");
        }
        for (long period : periods) {
            MediaSegment first = firstOf(reference, period);
            double startSeconds = (double) first.startTime() / first.timescale();
            Duration periodStart = Duration.between(base, first.programDateTime());
            mpd.append("  <Period id=\"p").append(period).append("\" start=\"").append(duration(periodStart))
                    .append("\">\n");
            Duration ato = view.ended() ? null : view.availabilityTimeOffset();
            boolean lastPeriod = period == periods.last();
            // One AdaptationSet per video codec: a player switches seamlessly only within one, and
            // leaves out a set whose codec it cannot decode (HEVC in most browsers).
            adaptationSet(mpd, 0, "video", ofCodec(video, Codec.H264), period, startSeconds, ato, lastPeriod);
            adaptationSet(mpd, 1, "audio", audio, period, startSeconds, ato, lastPeriod);
            adaptationSet(mpd, 2, "video", ofCodec(video, Codec.H265), period, startSeconds, ato, lastPeriod);
            mpd.append("  </Period>\n");
        }
        if (!view.ended()) {
            mpd.append("  <UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:http-iso:2014\" value=\"")
                    .append(view.utcTiming()).append("\"/>\n");
        }
        mpd.append("</MPD>\n");
        return Optional.of(mpd.toString());
    }

    /**
     * The longest segment of any representation, the one being written included: audio segments
     * are whole AAC frames and run past the video's (2.0053 s for 2 s at 48 kHz).
     */
    private static Duration longestSegment(List<RenditionSnapshot> video, List<RenditionSnapshot> audio, View view) {
        long longest = 0;
        for (List<RenditionSnapshot> kind : List.of(video, audio)) {
            for (RenditionSnapshot rendition : kind) {
                long ticks = rendition.maxSegmentDuration();
                if (!view.ended() && view.availabilityTimeOffset() != null) {
                    ticks = Math.max(ticks, predictedOpenDuration(rendition));
                }
                longest = Math.max(longest, nanos(ticks, rendition.timescale()));
            }
        }
        return Duration.ofNanos(longest);
    }

    /** What the segment being written will last, as decided when it opened; 0 if not known. */
    private static long predictedOpenDuration(RenditionSnapshot rendition) {
        return rendition.openSegmentDuration();
    }

    private static MediaSegment firstOf(RenditionSnapshot rendition, long period) {
        for (MediaSegment segment : rendition.segments()) {
            if (segment.discontinuitySequence() == period) {
                return segment;
            }
        }
        return null;
    }

    private static List<RenditionSnapshot> ofCodec(List<RenditionSnapshot> renditions, Codec codec) {
        return renditions.stream().filter(rendition -> rendition.track().codec() == codec).toList();
    }

    private static void adaptationSet(StringBuilder mpd, int id, String type, List<RenditionSnapshot> renditions,
                                      long period, double periodStartSeconds, Duration ato, boolean lastPeriod) {
        List<RenditionSnapshot> present = new ArrayList<>();
        for (RenditionSnapshot rendition : renditions) {
            if (firstOf(rendition, period) != null) {
                present.add(rendition);
            }
        }
        if (present.isEmpty()) {
            return;
        }
        mpd.append("    <AdaptationSet id=\"").append(id).append("\" contentType=\"")
                .append(type).append("\" mimeType=\"").append(type).append("/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\"");
        if (type.equals("audio")) {
            mpd.append(" lang=\"und\"");
        }
        mpd.append(">\n");
        for (RenditionSnapshot rendition : present) {
            representation(mpd, rendition, period, periodStartSeconds, ato, lastPeriod);
        }
        mpd.append("    </AdaptationSet>\n");
    }

    /** One SegmentTimeline entry. */
    private record Timed(long startTime, long duration) {
    }

    private static void representation(StringBuilder mpd, RenditionSnapshot rendition, long period,
                                       double periodStartSeconds, Duration ato, boolean lastPeriod) {
        String name = rendition.path().rendition();
        List<MediaSegment> held = new ArrayList<>();
        for (MediaSegment segment : rendition.segments()) {
            if (segment.discontinuitySequence() == period) {
                held.add(segment);
            }
        }
        MediaSegment first = held.getFirst();
        MediaSegment last = held.getLast();
        List<Timed> segments = new ArrayList<>();
        for (MediaSegment segment : held) {
            segments.add(new Timed(segment.startTime(), segment.duration()));
        }
        // A segment being written after a break (the slate standing in or stepping aside, a
        // reconnect) belongs to the next Period, which starts with it once it is cut: listed in
        // this one, it made the segment before it, cut short by the break, not the Period's last,
        // and an announced entry changed (DASH-IF IOP allows only a Period's last to end early).
        boolean openInThisPeriod = ato != null && lastPeriod && !rendition.ended()
                && rendition.openSegmentDuration() > 0 && !rendition.openDiscontinuous()
                && last.sequence() == rendition.nextSequence() - 1
                && rendition.initFor(rendition.nextSequence()) == rendition.initFor(last.sequence());
        if (openInThisPeriod) {
            // The segment being written, with the duration decided when it opened: the player
            // asks for it availabilityTimeOffset before that end and gets it chunked. A guess
            // here (the last one's duration) changed the entry on the next update once the real
            // length was known, which moved the time of every later $Number$ under players.
            segments.add(new Timed(last.startTime() + last.duration(), predictedOpenDuration(rendition)));
        }
        InitSegment init = rendition.initFor(first.sequence());
        // A Period describes its own media: a new period may have a new picture size, codec
        // configuration, sample rate or timescale.
        TrackInfo track = init.track();
        int timescale = first.timescale();
        mpd.append("      <Representation id=\"").append(name).append("\" codecs=\"")
                .append(Rfc6381Codecs.of(track)).append("\" bandwidth=\"").append(bandwidth(rendition))
                .append('"');
        if (rendition.isVideo()) {
            mpd.append(" width=\"").append(track.width()).append("\" height=\"")
                    .append(track.height()).append('"');
            if (track.frameRate() > 0) {
                mpd.append(" frameRate=\"").append(frameRate(track.frameRate())).append('"');
            }
        } else {
            mpd.append(" audioSamplingRate=\"").append(track.sampleRate()).append('"');
        }
        mpd.append(">\n");
        if (!rendition.isVideo() && track.channels() > 0) {
            mpd.append("        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\" value=\"")
                    .append(track.channels()).append("\"/>\n");
        }
        long presentationTimeOffset = Math.round(periodStartSeconds * timescale);
        mpd.append("        <SegmentTemplate timescale=\"").append(timescale)
                .append("\" presentationTimeOffset=\"").append(presentationTimeOffset)
                .append("\" startNumber=\"").append(first.sequence())
                .append("\" initialization=\"").append(name).append('/').append(CmafResource.initName(init.firstSequence()))
                .append("\" media=\"").append(name).append('/').append(CmafResource.SEGMENT_TEMPLATE).append('"');
        if (ato != null) {
            mpd.append(" availabilityTimeOffset=\"").append(seconds(ato)).append("\" availabilityTimeComplete=\"false\"");
        }
        mpd.append(">\n");
        mpd.append("          <SegmentTimeline>\n");
        int i = 0;
        while (i < segments.size()) {
            Timed run = segments.get(i);
            int repeat = 0;
            while (i + repeat + 1 < segments.size()
                    && segments.get(i + repeat + 1).duration() == run.duration()
                    && segments.get(i + repeat + 1).startTime() == segments.get(i + repeat).startTime() + run.duration()) {
                repeat++;
            }
            mpd.append("            <S t=\"").append(run.startTime()).append("\" d=\"").append(run.duration()).append('"');
            if (repeat > 0) {
                mpd.append(" r=\"").append(repeat).append('"');
            }
            mpd.append("/>\n");
            i += repeat + 1;
        }
        mpd.append("          </SegmentTimeline>\n");
        mpd.append("        </SegmentTemplate>\n");
        mpd.append("      </Representation>\n");
    }

    private static long bandwidth(RenditionSnapshot rendition) {
        long peak = rendition.peakBitrate();
        if (peak > 0) {
            return peak;
        }
        return Math.max(1, rendition.track().bitrate());
    }

    private static String frameRate(double fps) {
        long rounded = Math.round(fps);
        if (Math.abs(fps - rounded) < 0.001) {
            return Long.toString(rounded);
        }
        return Math.round(fps * 1001) + "/1001";
    }

    private static long nanos(long ticks, int timescale) {
        return Math.round(ticks * 1e9 / timescale);
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** {@link #duration} rounded up to the millisecond, for bounds such as maxSegmentDuration. */
    static String durationUp(Duration duration) {
        Duration truncated = duration.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return duration(truncated.equals(duration) ? duration : truncated.plusMillis(1));
    }

    /** An xs:duration in seconds with millisecond precision, e.g. {@code PT120S}, {@code PT1795.250S}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return "PT" + millis / 1000 + "S";
        }
        return String.format(Locale.ROOT, "PT%d.%03dS", millis / 1000, millis % 1000);
    }
}
