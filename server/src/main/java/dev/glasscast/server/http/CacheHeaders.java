package dev.glasscast.server.http;

import dev.glasscast.packager.CacheKind;

/**
 * The {@code Cache-Control} of every kind of object, chosen so any standard HTTP cache (nginx,
 * Varnish, a CDN) can sit in front: media never changes once rendered; live manifests change
 * with every part, so shared caches keep them only briefly.
 */
public final class CacheHeaders {

    private CacheHeaders() {
    }

    public static String cacheControl(CacheKind kind) {
        return switch (kind) {
            case IMMUTABLE_MEDIA -> "public, max-age=86400, immutable";
            case LIVE_MANIFEST -> "public, max-age=1";
            case VOD_MANIFEST -> "public, max-age=60";
            case NOT_FOUND -> "public, max-age=1";
            case NO_STORE -> "no-store";
        };
    }
}
