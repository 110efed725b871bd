package dev.glasscast.packager;

/**
 * How long a rendered object stays valid; the edge cache and the HTTP {@code Cache-Control}
 * header are both derived from it.
 */
public enum CacheKind {
    /** Init segments, media segments and parts: never change once rendered. */
    IMMUTABLE_MEDIA,
    /** Live playlists and MPDs: change with every part or segment. */
    LIVE_MANIFEST,
    /** Playlists and MPDs of finished recordings: change only if the recording is deleted. */
    VOD_MANIFEST,
    /** Nothing there (yet): a short negative-cache entry. */
    NOT_FOUND,
    /** Must not be cached anywhere (errors, bad requests). */
    NO_STORE
}
