package dev.glasscast.edge;

import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.FileSpan;
import java.time.Instant;

/**
 * What the HTTP layer needs to answer conditional and range requests without touching the
 * bytes, computed once when an object enters the cache.
 *
 * @param cacheKey     the {@link dev.glasscast.packager.OriginRequest#cacheKey()} it was rendered for
 * @param status       HTTP status code of the rendered object
 * @param contentType  MIME type
 * @param cacheKind    how long it stays valid; picks the {@code Cache-Control} value
 * @param etag         a strong entity tag, quotes included, e.g. {@code "1c2d3e4f5a6b7c8d"}; see
 *                     {@link EntityTags}
 * @param lastModified when the origin says it came into being; null if the origin did not say
 * @param length       the body's size in bytes
 * @param file         where the body's bytes also lie on disk (sendfile), or null
 */
public record ObjectMetadata(
        String cacheKey,
        int status,
        String contentType,
        CacheKind cacheKind,
        String etag,
        Instant lastModified,
        int length,
        FileSpan file) {

    /** An object whose bytes are only in memory. */
    public ObjectMetadata(String cacheKey, int status, String contentType, CacheKind cacheKind, String etag,
                          Instant lastModified, int length) {
        this(cacheKey, status, contentType, cacheKind, etag, lastModified, length, null);
    }
}
