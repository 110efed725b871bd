package dev.glasscast.packager.window;

import java.time.Instant;

/** Where a rendition's media sequence numbers start when the store first sees it. */
public enum FirstSequenceNumber {
    /** At 0: predictable numbers for tests. */
    ZERO,
    /**
     * At the wall clock's epoch second of the first publish. Segments are at least a second long
     * (a key-frame interval), so a rendition never numbers more segments than seconds have
     * passed, and a daemon restarted later starts above every number the previous run used:
     * segment, part and init URLs, which caches keep as immutable for a day, are never reused
     * for other bytes.
     */
    EPOCH_SECONDS;

    long firstSequence(Instant now) {
        return this == ZERO ? 0 : now.getEpochSecond();
    }
}
