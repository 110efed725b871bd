package dev.glasscast.ingest.auth;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down guessing of stream keys: a token bucket per remote address that each failed
 * publish attempt empties by one and that refills at {@code failuresPerMinute}. An address whose
 * bucket is empty is refused at once, before any key is compared, until a token comes back.
 * Shared by every ingest protocol, so RTMP and SRT attempts count together.
 *
 * <p>Bounded: at most {@code maxAddresses} addresses are remembered (the least recently failed
 * are forgotten first), so a spoofed-source flood costs a fixed amount of memory. Logged once per
 * address each time it becomes blocked. Thread-safe.
 */
public final class AuthFailureLimiter {

    /** Default failed attempts an address may make in a burst, and per minute after that. */
    public static final int DEFAULT_FAILURES_PER_MINUTE = 5;
    /** Default number of addresses remembered. */
    public static final int DEFAULT_MAX_ADDRESSES = 4096;

    private static final Logger log = LoggerFactory.getLogger(AuthFailureLimiter.class);
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private static final class Bucket {
        double tokens;
        long updatedNanos;
        boolean blockedLogged;
    }

    private final int failuresPerMinute;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Bucket> buckets;

    /**
     * @param failuresPerMinute failed attempts allowed in a burst and refilled per minute
     *                          ({@value #DEFAULT_FAILURES_PER_MINUTE} by default)
     * @param maxAddresses      addresses remembered ({@value #DEFAULT_MAX_ADDRESSES} by default)
     * @param nanoClock         monotonic time, {@code System::nanoTime} live
     */
    public AuthFailureLimiter(int failuresPerMinute, int maxAddresses, LongSupplier nanoClock) {
        if (failuresPerMinute < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.failuresPerMinute = failuresPerMinute;
        this.nanoClock = nanoClock;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    public AuthFailureLimiter() {
        this(DEFAULT_FAILURES_PER_MINUTE, DEFAULT_MAX_ADDRESSES, System::nanoTime);
    }

    /** Whether {@code address} has used up its failed attempts for now; null is never blocked. */
    public synchronized boolean isBlocked(InetAddress address) {
        if (address == null) {
            return false;
        }
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            return false;
        }
        refill(bucket);
        return bucket.tokens < 1;
    }

    /** Counts one failed attempt from {@code address}. */
    public synchronized void recordFailure(InetAddress address) {
        if (address == null) {
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(address, a -> {
            Bucket fresh = new Bucket();
            fresh.tokens = failuresPerMinute;
            fresh.updatedNanos = nanoClock.getAsLong();
            return fresh;
        });
        refill(bucket);
        bucket.tokens = Math.max(0, bucket.tokens - 1);
        if (bucket.tokens < 1 && !bucket.blockedLogged) {
            bucket.blockedLogged = true;
            log.warn("{}: {} failed publish attempts; refusing it for a while", address.getHostAddress(), failuresPerMinute);
        }
    }

    private void refill(Bucket bucket) {
        long now = nanoClock.getAsLong();
        double earned = (double) (now - bucket.updatedNanos) * failuresPerMinute / NANOS_PER_MINUTE;
        bucket.updatedNanos = now;
        bucket.tokens = Math.min(failuresPerMinute, bucket.tokens + earned);
        if (bucket.tokens >= 1) {
            bucket.blockedLogged = false;
        }
    }
}
