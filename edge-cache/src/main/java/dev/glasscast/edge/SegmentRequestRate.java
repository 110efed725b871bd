package dev.glasscast.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Media requests per stream per second, the dashboard's estimate of the audience: the edge does
 * not know clients, but every player fetches one segment (or part) per segment (or part)
 * duration, so the rate times that duration approximates the viewer count.
 *
 * <p>Each stream has a ring of one-second buckets; the rate is the sum of the last
 * {@code windowSeconds} <em>complete</em> seconds divided by the window, so it does not dip at
 * the start of every second. Stream names come from URLs, so the number of streams tracked is
 * bounded and idle streams are forgotten after two windows.
 */
public final class SegmentRequestRate {

    /** Default window: smooths the sawtooth of 2 s segments and still reacts within seconds. */
    public static final int DEFAULT_WINDOW_SECONDS = 10;
    /** Default bound on streams tracked; far above what one machine serves. */
    public static final int DEFAULT_MAX_STREAMS = 1024;

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Ticker ticker;
    private final int windowSeconds;
    private final Cache<String, Window> windows;

    /**
     * @param ticker        the time source (Caffeine's, so tests can drive it)
     * @param windowSeconds seconds averaged over, at least 1
     * @param maxStreams    streams tracked at once, at least 1
     */
    public SegmentRequestRate(Ticker ticker, int windowSeconds, int maxStreams) {
        if (windowSeconds < 1 || maxStreams < 1) {
            throw new IllegalArgumentException("windowSeconds and maxStreams must be at least 1");
        }
        this.ticker = ticker;
        this.windowSeconds = windowSeconds;
        this.windows = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .maximumSize(maxStreams)
                .expireAfterAccess(Duration.ofSeconds(2L * windowSeconds))
                .build();
    }

    public SegmentRequestRate(Ticker ticker) {
        this(ticker, DEFAULT_WINDOW_SECONDS, DEFAULT_MAX_STREAMS);
    }

    /** Counts one media request for {@code stream}. */
    public void record(String stream) {
        long second = currentSecond();
        windows.get(stream, s -> new Window(windowSeconds + 1)).add(second);
    }

    /** Requests per second of {@code stream} over the last window; 0 if unknown. */
    public double perSecond(String stream) {
        Window window = windows.getIfPresent(stream);
        return window == null ? 0.0 : (double) window.sumBefore(currentSecond(), windowSeconds) / windowSeconds;
    }

    /** Every tracked stream's rate, sorted by name. */
    public Map<String, Double> snapshot() {
        long second = currentSecond();
        Map<String, Double> rates = new TreeMap<>();
        windows.asMap().forEach((stream, window) ->
                rates.put(stream, (double) window.sumBefore(second, windowSeconds) / windowSeconds));
        return rates;
    }

    private long currentSecond() {
        return Math.floorDiv(ticker.read(), NANOS_PER_SECOND);
    }

    /** A ring of per-second counts; slot {@code s % size} holds second {@code s} if its tag says so. */
    private static final class Window {
        private final long[] seconds;
        private final long[] counts;

        Window(int size) {
            seconds = new long[size];
            counts = new long[size];
            java.util.Arrays.fill(seconds, Long.MIN_VALUE);
        }

        synchronized void add(long second) {
            int slot = (int) Math.floorMod(second, (long) seconds.length);
            if (seconds[slot] != second) {
                seconds[slot] = second;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        /** The total of the {@code span} whole seconds before {@code current}. */
        synchronized long sumBefore(long current, int span) {
            long total = 0;
            for (long s = current - span; s < current; s++) {
                int slot = (int) Math.floorMod(s, (long) seconds.length);
                if (seconds[slot] == s) {
                    total += counts[slot];
                }
            }
            return total;
        }
    }
}
