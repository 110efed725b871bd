package dev.glasscast.server.browser;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a browser test accepts as good playback, in the terms of the playback probe's
 * {@link PlaybackReport}. Start from {@link #defaults()} and relax only what the test has a
 * reason to relax, saying so at the call site:
 *
 * <ul>
 *   <li>played at least {@code minRate} of the wall time it was meant to be playing (0.9: a player
 *       at 80 % speed, or one stalled for a tenth of the time, fails);</li>
 *   <li>at most {@code maxStalls} stalls (the media clock frozen for 300 ms or more while playing);</li>
 *   <li>no player error, fatal or not, except the non-fatal ones named in
 *       {@code allowedPlayerErrors}, hls.js's own reports of a stall (bufferStalledError,
 *       bufferNudgeOnStall) while stalls are allowed (the stall is measured and bounded above),
 *       and hls.js's cancellations of its own loads ("aborted"); a fatal one is never allowed;</li>
 *   <li>no page error and no console error, except console errors containing one of
 *       {@code allowedConsoleErrors};</li>
 *   <li>audio decoded, and neither the picture nor the sound stopping for longer than
 *       {@code maxMediaGap} while the clock runs (a frozen picture with the sound going on fails,
 *       and so does a lost audio rendition);</li>
 *   <li>video frames decoded at {@code minFrameRate} per played second or more, at most
 *       {@code maxDroppedFraction} of them dropped;</li>
 *   <li>if {@code maxLatencyP90} is set: the live latency reported in most samples, its 90th
 *       percentile under the bound (a distribution, not the last sample);</li>
 *   <li>at least {@code minPlaying} of wall time watched, so that a window too short to say
 *       anything fails rather than passes.</li>
 * </ul>
 *
 * The wall-clock figures here are loose on purpose: tests share two cores with builds and other
 * tests. {@code bench/latency} holds the tight latency and stall figures of an unloaded run.
 */
public record PlaybackBounds(
        double minRate,
        int maxStalls,
        Set<String> allowedPlayerErrors,
        List<String> allowedConsoleErrors,
        boolean audio,
        Duration maxMediaGap,
        double minFrameRate,
        double maxDroppedFraction,
        Duration maxLatencyP90,
        Duration minPlaying) {

    public PlaybackBounds {
        allowedPlayerErrors = Set.copyOf(allowedPlayerErrors);
        allowedConsoleErrors = List.copyOf(allowedConsoleErrors);
    }

    /**
     * ≥ 90 % of wall time played, ≤ 1 stall, no player, page or console error, audio decoding.
     * Dropped frames are Chromium's software decoder losing the race for two loaded cores
     * (dash.js dropped 41 of 427 on one run here), so up to 30 % are accepted: the bound catches
     * a picture that mostly does not render, not a busy machine.
     */
    public static PlaybackBounds defaults() {
        return new PlaybackBounds(0.9, 1, Set.of(), List.of(), true, Duration.ofMillis(1500), 10, 0.3, null,
                Duration.ofSeconds(3));
    }

    public PlaybackBounds withMinRate(double rate) {
        return new PlaybackBounds(rate, maxStalls, allowedPlayerErrors, allowedConsoleErrors, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }

    public PlaybackBounds withMaxStalls(int stalls) {
        return new PlaybackBounds(minRate, stalls, allowedPlayerErrors, allowedConsoleErrors, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }

    /** Allows these non-fatal player errors by name (hls.js {@code details}, {@code shaka:<code>}). */
    public PlaybackBounds allowingPlayerErrors(String... names) {
        Set<String> allowed = new TreeSet<>(allowedPlayerErrors);
        allowed.addAll(List.of(names));
        return new PlaybackBounds(minRate, maxStalls, allowed, allowedConsoleErrors, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }

    /** Allows console errors containing this text. */
    public PlaybackBounds allowingConsoleError(String text) {
        List<String> allowed = new java.util.ArrayList<>(allowedConsoleErrors);
        allowed.add(text);
        return new PlaybackBounds(minRate, maxStalls, allowedPlayerErrors, allowed, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }

    public PlaybackBounds withMaxMediaGap(Duration gap) {
        return new PlaybackBounds(minRate, maxStalls, allowedPlayerErrors, allowedConsoleErrors, audio, gap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }

    public PlaybackBounds withLatencyP90Below(Duration latency) {
        return new PlaybackBounds(minRate, maxStalls, allowedPlayerErrors, allowedConsoleErrors, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, latency, minPlaying);
    }

    public PlaybackBounds withMinPlaying(Duration playing) {
        return new PlaybackBounds(minRate, maxStalls, allowedPlayerErrors, allowedConsoleErrors, audio, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, playing);
    }

    /** For a path that carries no sound yet (WebRTC before its Opus audio): no audio is asked for. */
    public PlaybackBounds withoutAudio() {
        return new PlaybackBounds(minRate, maxStalls, allowedPlayerErrors, allowedConsoleErrors, false, maxMediaGap,
                minFrameRate, maxDroppedFraction, maxLatencyP90, minPlaying);
    }
}
