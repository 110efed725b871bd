package dev.glasscast.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the playback probe ({@code browser-tests/probe.js}) saw of one stretch of playback, as
 * {@code drive.mjs} reports it. Every browser test that plays media holds it to
 * {@link PlaybackBounds}:
 *
 * <pre>{@code
 * BrowserDriver.Result seen = BrowserDriver.visit()
 *         .goTo(origin + "/watch/main")
 *         .probe("glasscast.video", "glasscast.hls")   // any <video> and its hls.js, Shaka or dash.js
 *         .awaitPlayback(Duration.ofSeconds(45))
 *         .watchFor(Duration.ofSeconds(10))
 *         .probeReport("playback")
 *         .run(dir, Duration.ofSeconds(120));
 * seen.playback("playback").assertWithin(PlaybackBounds.defaults());
 * }</pre>
 *
 * A window runs from the moment the video's clock first moves (or from the previous report) to
 * the report. Time spent seeking (by the viewer, or by the player jumping to live or over a gap)
 * or paused is left out of both the played and the wall time, and each seek is listed.
 *
 * @param started          whether the video's clock moved at all
 * @param playingSeconds   wall time the video was meant to be playing (not paused, not seeking)
 * @param playedSeconds    media time that played in it; their ratio is the {@link #rate()}
 * @param stalls           the media clock frozen for 300 ms or more while playing
 * @param playerErrors     every error the player (and the video element) reported, fatal or not
 * @param videoFrames      video frames decoded in the window; {@code droppedFrames} of them dropped
 * @param longestVideoGap  the longest time the clock ran on without a new decoded frame (seconds)
 * @param audioBytes       audio bytes decoded in the window ({@code webkitAudioDecodedByteCount})
 * @param longestAudioGap  the longest time the clock ran on without audio being decoded (seconds)
 * @param latencies        the player's live latency every 500 ms (null where it had none)
 */
public record PlaybackReport(
        boolean started,
        double wallSeconds,
        double playingSeconds,
        double playedSeconds,
        double seekingSeconds,
        double pausedSeconds,
        double mediaStart,
        double mediaEnd,
        List<Seek> seeks,
        List<Stall> stalls,
        int waitingEvents,
        List<PlayerError> playerErrors,
        List<String> pageErrors,
        List<String> consoleErrors,
        long videoFrames,
        long droppedFrames,
        double longestVideoGap,
        long audioBytes,
        double longestAudioGap,
        List<Double> latencies,
        JsonNode json) {

    /** What hls.js names its reports of a stall (non-fatal "mediaError" details). */
    private static final Set<String> HLS_JS_STALL_REPORTS = Set.of("bufferStalledError", "bufferNudgeOnStall");
    /**
     * hls.js's name for a load it cancelled itself ({@code ErrorDetails.INTERNAL_ABORTED}: its
     * loader's onAbort, reached only through its own abort(), when it switches level, seeks or
     * gives up on a part it no longer needs). Bookkeeping, not a fault: what the viewer sees of
     * it, if anything, the probe measures.
     */
    private static final String HLS_JS_OWN_CANCELLATION = "aborted";

    public record Seek(double at, double from, double to) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f s: %.2f -> %.2f", at, from, to);
        }
    }

    /** {@code at}: seconds into the window; {@code media}: the frozen media time. */
    public record Stall(double at, double media, double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f s at %.1f s (media %.2f)", seconds, at, media);
        }
    }

    public record PlayerError(String name, boolean fatal, String detail) {
        @Override
        public String toString() {
            return name + (fatal ? " (fatal)" : "") + (detail.isEmpty() ? "" : " [" + detail + "]");
        }
    }

    public static PlaybackReport from(JsonNode json) {
        if (json == null || json.isMissingNode() || json.isNull()) {
            throw new AssertionError("no playback report (did the visit reach its probeReport step?)");
        }
        List<Seek> seeks = new ArrayList<>();
        json.path("seeks").forEach(s -> seeks.add(new Seek(s.path("at").asDouble(), s.path("from").asDouble(), s.path("to").asDouble())));
        List<Stall> stalls = new ArrayList<>();
        json.path("stalls").forEach(s -> stalls.add(new Stall(s.path("at").asDouble(), s.path("media").asDouble(), s.path("seconds").asDouble())));
        List<PlayerError> errors = new ArrayList<>();
        json.path("errors").forEach(e -> errors.add(new PlayerError(e.path("name").asText(), e.path("fatal").asBoolean(), e.path("detail").asText(""))));
        List<Double> latencies = new ArrayList<>();
        json.path("latency").forEach(l -> latencies.add(l.isNumber() ? l.asDouble() : null));
        return new PlaybackReport(json.path("started").asBoolean(), json.path("wallSeconds").asDouble(),
                json.path("playingSeconds").asDouble(), json.path("playedSeconds").asDouble(),
                json.path("seekingSeconds").asDouble(), json.path("pausedSeconds").asDouble(),
                json.path("mediaStart").asDouble(), json.path("mediaEnd").asDouble(), seeks, stalls,
                json.path("waitingEvents").asInt(), errors, texts(json.path("pageErrors")), texts(json.path("consoleErrors")),
                json.path("videoFrames").asLong(), json.path("droppedFrames").asLong(), json.path("longestVideoGapSeconds").asDouble(),
                json.path("audioBytes").asLong(), json.path("longestAudioGapSeconds").asDouble(), latencies, json);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(e -> texts.add(e.path("text").asText(e.asText())));
        return texts;
    }

    /** Media time played per second of wall time spent playing: 1.0 is real time. */
    public double rate() {
        return playingSeconds <= 0 ? 0 : playedSeconds / playingSeconds;
    }

    /** The latencies the player did report. */
    public List<Double> reportedLatencies() {
        return latencies.stream().filter(l -> l != null).sorted().toList();
    }

    /** The {@code p}-th percentile (0-100, nearest rank) of the reported latencies; NaN if none. */
    public double latencyPercentile(double p) {
        List<Double> sorted = reportedLatencies();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Fails with every bound this playback missed, and the whole report, if it missed any. */
    public PlaybackReport assertWithin(PlaybackBounds bounds) {
        List<String> missed = violations(bounds);
        if (!missed.isEmpty()) {
            throw new AssertionError("playback out of bounds:\n  - " + String.join("\n  - ", missed) + "\n" + summary());
        }
        return this;
    }

    /** The bounds this playback missed, each as a sentence. */
    public List<String> violations(PlaybackBounds bounds) {
        List<String> missed = new ArrayList<>();
        if (!started) {
            missed.add("playback never started: " + json.path("video"));
            missed.addAll(errorViolations(bounds));
            return missed;
        }
        if (playingSeconds < bounds.minPlaying().toMillis() / 1000.0) {
            missed.add(format("watched only %.2f s of playing time (at least %.1f s)", playingSeconds, bounds.minPlaying().toMillis() / 1000.0));
        }
        if (rate() < bounds.minRate()) {
            missed.add(format("played %.2f s in %.2f s: %.2fx, under %.2fx", playedSeconds, playingSeconds, rate(), bounds.minRate()));
        }
        if (stalls.size() > bounds.maxStalls()) {
            missed.add(stalls.size() + " stalls (at most " + bounds.maxStalls() + "): " + stalls);
        }
        missed.addAll(errorViolations(bounds));
        // A frame rate over less than a second played is no measurement (a warm-up window of 0.03 s
        // held one frame in PublisherOutageSlateBrowserTest, 2026-12-07); stalls and errors still count.
        double frameRate = playedSeconds <= 0 ? 0 : videoFrames / playedSeconds;
        if (playedSeconds >= 1 && frameRate < bounds.minFrameRate()) {
            missed.add(format("%d video frames decoded in %.2f s played: %.1f per second, under %.1f", videoFrames, playedSeconds,
                    frameRate, bounds.minFrameRate()));
        }
        if (droppedFrames > bounds.maxDroppedFraction() * Math.max(1, videoFrames)) {
            missed.add(format("%d of %d video frames dropped (at most %.0f %%)", droppedFrames, videoFrames, bounds.maxDroppedFraction() * 100));
        }
        double maxGap = bounds.maxMediaGap().toMillis() / 1000.0;
        if (longestVideoGap > maxGap) {
            missed.add(format("the picture stood still for %.2f s while the clock ran (at most %.2f s)", longestVideoGap, maxGap));
        }
        if (bounds.audio()) {
            if (audioBytes <= 0) {
                missed.add("no audio decoded");
            } else if (longestAudioGap > maxGap) {
                missed.add(format("no audio decoded for %.2f s while the clock ran (at most %.2f s)", longestAudioGap, maxGap));
            }
        }
        if (bounds.maxLatencyP90() != null) {
            long reported = latencies.stream().filter(l -> l != null).count();
            double bound = bounds.maxLatencyP90().toMillis() / 1000.0;
            if (reported * 2 < latencies.size() || reported == 0) {
                missed.add("the player reported its latency in only " + reported + " of " + latencies.size() + " samples");
            } else if (latencyPercentile(90) > bound) {
                missed.add(format("live latency p90 %.2f s, over %.2f s", latencyPercentile(90), bound));
            }
        }
        return missed;
    }

    /**
     * hls.js reports each stall it sees as non-fatal errors of its own. The probe measures the
     * stall itself and the bounds limit it (how many, how long), so when the bounds allow a stall,
     * hls.js saying so is not a second fault. Without this a test allowing one stall failed on the
     * one it allowed (RealSourcePlaybackBrowserTest, the project's CI, 2026-12-07: one 0.46 s stall
     * at the start under load, reported as bufferStalledError and bufferNudgeOnStall).
     */
    private static boolean reportsAnAllowedStall(PlayerError error, PlaybackBounds bounds) {
        return bounds.maxStalls() > 0 && HLS_JS_STALL_REPORTS.contains(error.name());
    }

    private List<String> errorViolations(PlaybackBounds bounds) {
        List<String> missed = new ArrayList<>();
        List<PlayerError> unexpected = playerErrors.stream()
                .filter(e -> e.fatal() || !(bounds.allowedPlayerErrors().contains(e.name()) || reportsAnAllowedStall(e, bounds)
                        || e.name().equals(HLS_JS_OWN_CANCELLATION)))
                .toList();
        if (!unexpected.isEmpty()) {
            missed.add("player errors: " + unexpected);
        }
        if (!pageErrors.isEmpty()) {
            missed.add("page errors: " + pageErrors);
        }
        List<String> console = consoleErrors.stream()
                .filter(line -> bounds.allowedConsoleErrors().stream().noneMatch(line::contains))
                .toList();
        if (!console.isEmpty()) {
            missed.add("console errors: " + console);
        }
        return missed;
    }

    /** One paragraph with every figure, for failure messages and the test log. */
    public String summary() {
        if (!started) {
            return "not started; video " + json.path("video") + "; player errors " + playerErrors + "; page errors " + pageErrors
                    + "; console errors " + consoleErrors;
        }
        long reported = latencies.stream().filter(l -> l != null).count();
        String latency = reported == 0 ? "none reported (" + latencies.size() + " samples)"
                : format("p50 %.2f s, p90 %.2f s, max %.2f s (%d samples, %d without)", latencyPercentile(50),
                        latencyPercentile(90), latencyPercentile(100), reported, latencies.size() - reported);
        return format("played %.2f s in %.2f s (%.2fx); %d stalls %s; %d waiting events; seeks %s (%.2f s seeking, %.2f s paused); "
                        + "video %d frames, %d dropped, longest still %.2f s; audio %d bytes, longest silence %.2f s; latency %s; "
                        + "player errors %s; page errors %s; console errors %s",
                playedSeconds, playingSeconds, rate(), stalls.size(), stalls, waitingEvents, seeks, seekingSeconds, pausedSeconds,
                videoFrames, droppedFrames, longestVideoGap, audioBytes, longestAudioGap, latency,
                playerErrors.stream().map(PlayerError::toString).collect(Collectors.joining(", ", "[", "]")), pageErrors, consoleErrors)
                + trace();
    }

    /** The player's rung switches and, at each time the clock stood, what it had buffered. */
    private String trace() {
        List<String> events = new ArrayList<>();
        json.path("trace").forEach(e -> events.add(format("%.2f s %s", e.path("at").asDouble(), e.path("what").asText())));
        return events.isEmpty() ? "" : "; trace " + events;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
