package dev.glasscast.transcode.restream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What is known of one destination across the stream's publishes: its state, what it
 * was sent, how often it had to reconnect, and the last error. Written by the destination's
 * thread, read by the dashboard, API and metrics. Thread-safe.
 */
public final class RestreamStatus {

    private final String stream;
    private final int index;
    private final String destination;
    private final String send;
    private volatile RestreamDestination.State state = RestreamDestination.State.STOPPED;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String lastError;
    private final java.util.function.LongSupplier nanoTime;
    /** Bytes sent over the last whole window of {@link #RATE_WINDOW_NANOS}, as bits per second. */
    private volatile double bitrate;
    private long windowStartNanos;
    private long windowStartBytes;

    private static final long RATE_WINDOW_NANOS = 2_000_000_000L;

    RestreamStatus(String stream, int index, String destination, String send, java.util.function.LongSupplier nanoTime) {
        this.stream = stream;
        this.index = index;
        this.destination = destination;
        this.send = send;
        this.nanoTime = nanoTime;
        this.windowStartNanos = nanoTime.getAsLong();
    }

    public String stream() {
        return stream;
    }

    /**
     * Its id within the stream: its place in the config's {@code restream} list for those the
     * daemon started with, then counting on for those added later (never reused).
     */
    public int index() {
        return index;
    }

    /** The URL with its key redacted. */
    public String destination() {
        return destination;
    }

    public String send() {
        return send;
    }

    /** {@code starting}, {@code connecting}, {@code connected}, {@code retrying} or {@code stopped}. */
    public String state() {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isConnected() {
        return state == RestreamDestination.State.CONNECTED;
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    /** Bits per second sent over the last two seconds while connected; 0 otherwise. */
    public double bitrate() {
        return isConnected() ? bitrate : 0;
    }

    /** Connections made; every one after the first was a reconnect. */
    public long connections() {
        return connections.get();
    }

    public long reconnects() {
        return Math.max(0, connections.get() - 1);
    }

    public long failures() {
        return failures.get();
    }

    /** Units dropped because the destination could not keep up or was being reconnected. */
    public long dropped() {
        return dropped.get();
    }

    /** The last failure, or null. */
    public String lastError() {
        return lastError;
    }

    void state(RestreamDestination.State newState) {
        state = newState;
    }

    void connected() {
        connections.incrementAndGet();
        state = RestreamDestination.State.CONNECTED;
    }

    void failed(String error) {
        failures.incrementAndGet();
        lastError = error;
    }

    /** Called by the destination's thread only. */
    void sent(long bytes) {
        long total = bytesSent.addAndGet(bytes);
        long now = nanoTime.getAsLong();
        if (now - windowStartNanos >= RATE_WINDOW_NANOS) {
            bitrate = (total - windowStartBytes) * 8e9 / (now - windowStartNanos);
            windowStartNanos = now;
            windowStartBytes = total;
        }
    }

    void countDropped() {
        dropped.incrementAndGet();
    }
}
