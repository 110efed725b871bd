package dev.glasscast.edge;

/** Where the body of an {@link EdgeResponse} came from; the HTTP layer may show it (X-Cache). */
public enum CacheOutcome {
    /** A fresh cached object. */
    HIT,
    /** An expired live manifest served within its stale grace while one refresh runs. */
    STALE,
    /** This request made the origin render. */
    MISS,
    /** Another request was already rendering the same key; this one waited for its result. */
    COALESCED
}
