package dev.glasscast.edge;

import dev.glasscast.config.PackagingConfig;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.OriginRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The HTTP caching rules the server applies to what the {@link EdgeCache} returns: which
 * {@code Cache-Control} each kind of object gets, when a conditional GET is answered with 304,
 * how a {@code Range} is answered, and the CORS headers. Pure functions of their arguments (and
 * of the settings given to the constructor); nothing here touches a body or throws on what a
 * client sent.
 *
 * <h2>Cache-Control</h2>
 * Integer seconds cannot express half a part, so manifests are split by URL:
 * <ul>
 *   <li>media (segments, parts, init): {@code public, max-age=86400, immutable};
 *   <li>blocking playlist reloads ({@code _HLS_msn} in the query): each URL names one point of
 *       the stream and its answer stays correct, so {@code public, max-age=N} with N one part
 *       rounded up (at least 1 s). This is the bulk of LL-HLS manifest traffic, and with it a
 *       shared cache using {@code proxy_cache_lock} sends one request upstream for all the
 *       viewers waiting on the same part;
 *   <li>plain live manifests: {@code public, max-age=0, s-maxage=M} with M one part rounded
 *       down, so no shared cache keeps one longer than a part (nginx counts whole seconds and
 *       may add up to one); with sub-second parts M is 0, the shared cache passes them through,
 *       and this process still renders each once per half part;
 *   <li>VOD manifests: {@code public, max-age=<vodManifestMaxAge>};
 *   <li>404: {@code public, max-age=1}; NO_STORE: {@code no-store}.
 * </ul>
 *
 * <h2>Conditional requests (GET/HEAD, status 200 only)</h2>
 * RFC 9110 §13.2.2: {@code If-None-Match} (weak comparison, {@code *} matches) decides when
 * present; otherwise {@code If-Modified-Since} compared at one-second resolution, except for live
 * manifests, which change several times within one second of Last-Modified. A date in the future
 * or a malformed header is ignored. A 304 carries the same ETag, Cache-Control and CORS headers.
 *
 * <h2>Range</h2>
 * See {@link RangeDecision}; an {@code If-Range} that does not match the current ETag strongly
 * (or the exact Last-Modified) turns the request into a full 200.
 */
public final class HttpCacheSemantics {

    /** The CORS origin when none is configured: any page may embed the player. */
    public static final String ANY_ORIGIN = "*";
    /** Media never changes once rendered; a day is what browsers and CDNs honour in practice. */
    public static final long MEDIA_MAX_AGE_SECONDS = 86_400;
    /** If-None-Match longer than this is ignored (no 304), as is one listing more tags. */
    public static final int MAX_IF_NONE_MATCH_LENGTH = 8192;
    public static final int MAX_ENTITY_TAGS = 64;

    /** A serialized origin (scheme://host[:port]) with nothing that could split a header. */
    private static final Pattern SERIALIZED_ORIGIN = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[A-Za-z0-9.\\-\\[\\]:]+");
    private static final String BLOCKING_RELOAD_PARAMETER = "_HLS_msn";
    private static final String IMMUTABLE_MEDIA_CACHE_CONTROL = "public, max-age=" + MEDIA_MAX_AGE_SECONDS + ", immutable";

    private final String blockingReloadCacheControl;
    private final String liveManifestCacheControl;
    private final String vodManifestCacheControl;
    private final String corsAllowOrigin;
    /** Built once: every media response carries them, and a cache hit should cost no more than it must. */
    private final Map<String, String> corsHeaders;
    /** The last Last-Modified formatted: viewers at the live edge all ask for the same few objects. */
    private volatile FormattedDate lastModifiedText = new FormattedDate(Instant.EPOCH, HttpDate.format(Instant.EPOCH));

    private record FormattedDate(Instant instant, String text) {
    }

    /**
     * @param partDuration       the LL-HLS part duration; manifest lifetimes derive from it
     * @param vodManifestMaxAge  lifetime of a finished recording's manifest, at least 1 s
     * @param corsAllowOrigin    {@link #ANY_ORIGIN} or one origin such as {@code https://example.org}
     */
    public HttpCacheSemantics(Duration partDuration, Duration vodManifestMaxAge, String corsAllowOrigin) {
        Objects.requireNonNull(partDuration, "partDuration");
        if (partDuration.isZero() || partDuration.isNegative()) {
            throw new IllegalArgumentException("partDuration must be positive: " + partDuration);
        }
        Objects.requireNonNull(corsAllowOrigin, "corsAllowOrigin");
        if (!corsAllowOrigin.equals(ANY_ORIGIN) && !SERIALIZED_ORIGIN.matcher(corsAllowOrigin).matches()) {
            throw new IllegalArgumentException("CORS origin must be * or scheme://host[:port]: " + corsAllowOrigin);
        }
        long partMillis = partDuration.toMillis();
        long partSecondsUp = Math.max(1, (partMillis + 999) / 1000);
        long partSecondsDown = partMillis / 1000;
        this.blockingReloadCacheControl = "public, max-age=" + partSecondsUp;
        this.liveManifestCacheControl = "public, max-age=0, s-maxage=" + partSecondsDown;
        this.vodManifestCacheControl = "public, max-age=" + Math.max(1, vodManifestMaxAge.toSeconds());
        this.corsAllowOrigin = corsAllowOrigin;
        Map<String, String> cors = new LinkedHashMap<>();
        cors.put("Access-Control-Allow-Origin", corsAllowOrigin);
        cors.put("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag");
        this.corsHeaders = Collections.unmodifiableMap(cors);
    }

    /** The daemon's rules: lifetimes from the packaging config and the cache settings. */
    public static HttpCacheSemantics from(PackagingConfig packaging, EdgeCacheSettings cache, String corsAllowOrigin) {
        return new HttpCacheSemantics(packaging.partDuration(), cache.vodManifestTtl(), corsAllowOrigin);
    }

    /** The {@code Cache-Control} value for an object of {@code kind} served for {@code request}. */
    public String cacheControl(OriginRequest request, CacheKind kind) {
        return cacheControl(kind, request.query().containsKey(BLOCKING_RELOAD_PARAMETER));
    }

    /** @param blockingReload whether the request was an LL-HLS blocking playlist reload */
    public String cacheControl(CacheKind kind, boolean blockingReload) {
        return switch (kind) {
            case IMMUTABLE_MEDIA -> IMMUTABLE_MEDIA_CACHE_CONTROL;
            case LIVE_MANIFEST -> blockingReload ? blockingReloadCacheControl : liveManifestCacheControl;
            case VOD_MANIFEST -> vodManifestCacheControl;
            case NOT_FOUND -> "public, max-age=1";
            case NO_STORE -> "no-store";
        };
    }

    /**
     * Every caching and CORS header of a response (200, 206, 304 or 404) for {@code object},
     * in a stable order: Cache-Control, ETag and Last-Modified (200 objects only),
     * Accept-Ranges, and the CORS headers. Content-Type, Content-Length and Content-Range are
     * the server's.
     */
    public Map<String, String> headersFor(OriginRequest request, ObjectMetadata object) {
        Map<String, String> headers = objectHeaders(request, object);
        headers.putAll(corsHeaders);
        return headers;
    }

    /**
     * {@link #headersFor} without the CORS headers, for a server that adds {@link #corsHeaders()}
     * to every response anyway. A new mutable map each call.
     */
    public Map<String, String> objectHeaders(OriginRequest request, ObjectMetadata object) {
        Map<String, String> headers = new LinkedHashMap<>(8);
        headers.put("Cache-Control", cacheControl(request, object.cacheKind()));
        if (object.status() == 200) {
            headers.put("ETag", object.etag());
            if (object.lastModified() != null) {
                headers.put("Last-Modified", httpDate(object.lastModified()));
            }
            headers.put("Accept-Ranges", "bytes");
        }
        return headers;
    }

    /** {@link HttpDate#format}, remembering the last answer (formatting costs more than the rest of a hit). */
    private String httpDate(Instant instant) {
        FormattedDate last = lastModifiedText;
        if (!last.instant().equals(instant)) {
            last = new FormattedDate(instant, HttpDate.format(instant));
            lastModifiedText = last;
        }
        return last.text();
    }

    /** CORS headers of every media response (unmodifiable). */
    public Map<String, String> corsHeaders() {
        return corsHeaders;
    }

    /** Headers of the answer (204) to a CORS preflight {@code OPTIONS}. */
    public Map<String, String> preflightHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", corsAllowOrigin);
        headers.put("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        headers.put("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, If-Range");
        headers.put("Access-Control-Max-Age", "86400");
        return headers;
    }

    /**
     * Whether a GET/HEAD for {@code object} is answered with 304. Only 200 objects qualify.
     *
     * @param ifNoneMatch     the header value, or null
     * @param ifModifiedSince the header value, or null
     * @param now             the server's time (a date after it is invalid and ignored)
     */
    public boolean isNotModified(String ifNoneMatch, String ifModifiedSince, ObjectMetadata object, Instant now) {
        if (object.status() != 200) {
            return false;
        }
        if (ifNoneMatch != null) {
            return noneMatchFails(ifNoneMatch, object.etag());
        }
        if (ifModifiedSince == null || object.lastModified() == null || object.cacheKind() == CacheKind.LIVE_MANIFEST) {
            return false;
        }
        return HttpDate.parse(ifModifiedSince)
                .filter(since -> !since.isAfter(now))
                .map(since -> object.lastModified().getEpochSecond() <= since.getEpochSecond())
                .orElse(false);
    }

    /**
     * How to answer the {@code Range} header (null if absent) of a GET for {@code object}:
     * only 200 objects are sliced, and a non-matching {@code If-Range} means the whole object.
     */
    public RangeDecision range(String range, String ifRange, ObjectMetadata object) {
        if (range == null || object.status() != 200 || !ifRangeHolds(ifRange, object)) {
            return new RangeDecision.Full();
        }
        return RangeDecision.of(range, object.length());
    }

    /**
     * If-None-Match evaluates false, i.e. one of its tags matches {@code etag} by weak
     * comparison (or it is {@code *}). Malformed or oversized lists evaluate true: no 304.
     */
    static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (etag == null || ifNoneMatch.length() > MAX_IF_NONE_MATCH_LENGTH) {
            return false;
        }
        String current = opaqueTag(etag);
        if (current == null) {
            return false;
        }
        String list = ifNoneMatch.strip();
        if (list.equals("*")) {
            return true;
        }
        int position = 0;
        int tags = 0;
        while (position < list.length()) {
            char c = list.charAt(position);
            if (c == ',' || c == ' ' || c == '\t') {
                position++;
                continue;
            }
            int end = endOfTag(list, position);
            if (end < 0 || ++tags > MAX_ENTITY_TAGS) {
                return false;
            }
            if (current.equals(opaqueTag(list.substring(position, end)))) {
                return true;
            }
            position = end;
        }
        return false;
    }

    /** If-Range absent, or naming the current representation exactly (strong comparison). */
    static boolean ifRangeHolds(String ifRange, ObjectMetadata object) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"")) {
            return value.equals(object.etag());
        }
        if (value.startsWith("W/") || object.lastModified() == null || object.cacheKind() == CacheKind.LIVE_MANIFEST) {
            return false;
        }
        return HttpDate.parse(value)
                .map(date -> date.getEpochSecond() == object.lastModified().getEpochSecond())
                .orElse(false);
    }

    /** The index just past the entity tag starting at {@code start}, or -1 if there is none. */
    private static int endOfTag(String text, int start) {
        int position = start;
        if (text.startsWith("W/", position)) {
            position += 2;
        }
        if (position >= text.length() || text.charAt(position) != '"') {
            return -1;
        }
        for (position++; position < text.length(); position++) {
            char c = text.charAt(position);
            if (c == '"') {
                return position + 1;
            }
            if (c < 0x21 || c == 0x7f) {
                return -1;
            }
        }
        return -1;
    }

    /** {@code "xyz"} of {@code W/"xyz"} or {@code "xyz"}; null if not a tag. */
    private static String opaqueTag(String tag) {
        String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
        return opaque.length() >= 2 && opaque.startsWith("\"") && opaque.endsWith("\"") ? opaque : null;
    }
}
