package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.edge.RangeDecision.Full;
import dev.glasscast.edge.RangeDecision.Partial;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.OriginRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpCacheSemanticsTest {

    private static final String ETAG = "\"0123456789abcdef\"";
    private static final Instant LAST_MODIFIED = Instant.parse("2026-11-25T10:00:00Z");
    private static final String LAST_MODIFIED_TEXT = "Wed, 25 Nov 2026 10:00:00 GMT";
    private static final Instant NOW = Instant.parse("2026-11-25T11:00:00Z");
    private static final ObjectMetadata SEGMENT = new ObjectMetadata("main/720p/seg1.m4s", 200, "video/iso.segment",
            CacheKind.IMMUTABLE_MEDIA, ETAG, LAST_MODIFIED, 1000);
    private static final ObjectMetadata LIVE_PLAYLIST = new ObjectMetadata("main/720p/index.m3u8", 200,
            "application/vnd.apple.mpegurl", CacheKind.LIVE_MANIFEST, ETAG, LAST_MODIFIED, 300);
    private static final ObjectMetadata NOT_FOUND = new ObjectMetadata("main/720p/seg9.m4s", 404, "text/plain",
            CacheKind.NOT_FOUND, ETAG, LAST_MODIFIED, 10);

    private final HttpCacheSemantics semantics =
            new HttpCacheSemantics(Duration.ofMillis(500), Duration.ofMinutes(1), HttpCacheSemantics.ANY_ORIGIN);

    @Test
    void cacheControlPerKindWithHalfSecondParts() {
        assertEquals("public, max-age=86400, immutable", semantics.cacheControl(CacheKind.IMMUTABLE_MEDIA, false));
        assertEquals("public, max-age=0, s-maxage=0", semantics.cacheControl(CacheKind.LIVE_MANIFEST, false));
        assertEquals("public, max-age=1", semantics.cacheControl(CacheKind.LIVE_MANIFEST, true));
        assertEquals("public, max-age=60", semantics.cacheControl(CacheKind.VOD_MANIFEST, false));
        assertEquals("public, max-age=1", semantics.cacheControl(CacheKind.NOT_FOUND, false));
        assertEquals("no-store", semantics.cacheControl(CacheKind.NO_STORE, false));
    }

    @Test
    void liveManifestLifetimesFollowThePartDuration() {
        HttpCacheSemantics longParts = new HttpCacheSemantics(Duration.ofMillis(1500), Duration.ofMinutes(1), "*");
        assertEquals("public, max-age=0, s-maxage=1", longParts.cacheControl(CacheKind.LIVE_MANIFEST, false));
        assertEquals("public, max-age=2", longParts.cacheControl(CacheKind.LIVE_MANIFEST, true));
    }

    @Test
    void blockingReloadsAreRecognisedByTheirQuery() {
        OriginRequest blocking = new OriginRequest("main", "720p", "index.m3u8", Map.of("_HLS_msn", "5", "_HLS_part", "1"));
        OriginRequest plain = OriginRequest.of("main", "720p", "index.m3u8");
        assertEquals("public, max-age=1", semantics.cacheControl(blocking, CacheKind.LIVE_MANIFEST));
        assertEquals("public, max-age=0, s-maxage=0", semantics.cacheControl(plain, CacheKind.LIVE_MANIFEST));
    }

    @Test
    void theDefaultConfigGivesTheDocumentedValues() {
        GlassCastConfig config = new ConfigLoader().defaults();
        EdgeCacheSettings settings = EdgeCacheSettings.from(config.cache(), config.packaging());
        HttpCacheSemantics fromConfig = HttpCacheSemantics.from(config.packaging(), settings, "*");
        assertEquals(semantics.cacheControl(CacheKind.LIVE_MANIFEST, false), fromConfig.cacheControl(CacheKind.LIVE_MANIFEST, false));
        assertEquals(config.cache().maxBytes(), settings.maxBytes());
        assertEquals(config.packaging().partDuration().dividedBy(2), settings.liveManifestTtl());
        assertEquals(config.packaging().dvrWindow(), settings.immutableMediaTtl());
    }

    @Test
    void aMatchingEntityTagIsNotModified() {
        assertTrue(semantics.isNotModified(ETAG, null, SEGMENT, NOW));
        assertTrue(semantics.isNotModified("W/" + ETAG, null, SEGMENT, NOW), "If-None-Match compares weakly");
        assertTrue(semantics.isNotModified("\"other\", " + ETAG, null, SEGMENT, NOW));
        assertTrue(semantics.isNotModified("*", null, SEGMENT, NOW));
    }

    @Test
    void aDifferentEntityTagIsModified() {
        assertFalse(semantics.isNotModified("\"fedcba9876543210\"", null, SEGMENT, NOW));
        assertFalse(semantics.isNotModified("\"a\", W/\"b\"", null, SEGMENT, NOW));
    }

    @Test
    void malformedOrOversizedIfNoneMatchNeverGives304() {
        for (String garbage : List.of("", "0123456789abcdef", "\"unterminated", "W/", "\"a\" junk " + ETAG,
                "\"bad\u0001\", " + ETAG, "\"x\",".repeat(HttpCacheSemantics.MAX_ENTITY_TAGS + 1) + ETAG,
                " ".repeat(HttpCacheSemantics.MAX_IF_NONE_MATCH_LENGTH) + ETAG)) {
            assertFalse(semantics.isNotModified(garbage, null, SEGMENT, NOW), garbage);
        }
    }

    @Test
    void ifModifiedSinceDecidesOnlyWithoutIfNoneMatch() {
        assertTrue(semantics.isNotModified(null, LAST_MODIFIED_TEXT, SEGMENT, NOW));
        assertTrue(semantics.isNotModified(null, "Wed, 25 Nov 2026 10:30:00 GMT", SEGMENT, NOW));
        assertFalse(semantics.isNotModified(null, "Wed, 25 Nov 2026 09:59:59 GMT", SEGMENT, NOW));
        assertFalse(semantics.isNotModified("\"other\"", LAST_MODIFIED_TEXT, SEGMENT, NOW), "If-None-Match wins");
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenItCannotBeTrusted() {
        assertFalse(semantics.isNotModified(null, "Thu, 26 Nov 2026 10:00:00 GMT", SEGMENT, NOW), "a future date");
        assertFalse(semantics.isNotModified(null, "not a date", SEGMENT, NOW));
        assertFalse(semantics.isNotModified(null, LAST_MODIFIED_TEXT, LIVE_PLAYLIST, NOW),
                "live manifests change within one second of Last-Modified");
        assertTrue(semantics.isNotModified(ETAG, null, LIVE_PLAYLIST, NOW), "their ETag still works");
    }

    @Test
    void onlySuccessfulObjectsAreConditional() {
        assertFalse(semantics.isNotModified(ETAG, LAST_MODIFIED_TEXT, NOT_FOUND, NOW));
        assertEquals(new Full(), semantics.range("bytes=0-1", null, NOT_FOUND));
    }

    @Test
    void rangesAreEvaluatedAgainstTheObjectLength() {
        assertEquals(new Partial(0, 99, 1000), semantics.range("bytes=0-99", null, SEGMENT));
        assertEquals(new Full(), semantics.range(null, null, SEGMENT));
    }

    @Test
    void ifRangeMustNameTheCurrentObjectExactly() {
        assertEquals(new Partial(0, 99, 1000), semantics.range("bytes=0-99", ETAG, SEGMENT));
        assertEquals(new Partial(0, 99, 1000), semantics.range("bytes=0-99", LAST_MODIFIED_TEXT, SEGMENT));
        assertEquals(new Full(), semantics.range("bytes=0-99", "\"other\"", SEGMENT));
        assertEquals(new Full(), semantics.range("bytes=0-99", "W/" + ETAG, SEGMENT), "weak tags never match If-Range");
        assertEquals(new Full(), semantics.range("bytes=0-99", "Wed, 25 Nov 2026 10:30:00 GMT", SEGMENT));
        assertEquals(new Full(), semantics.range("bytes=0-99", "garbage", SEGMENT));
    }

    @Test
    void responseHeadersCarryValidatorsOnlyForSuccessfulObjects() {
        OriginRequest request = OriginRequest.of("main", "720p", "seg1.m4s");
        Map<String, String> headers = semantics.headersFor(request, SEGMENT);
        assertEquals(List.of("Cache-Control", "ETag", "Last-Modified", "Accept-Ranges",
                "Access-Control-Allow-Origin", "Access-Control-Expose-Headers"), List.copyOf(headers.keySet()));
        assertEquals(ETAG, headers.get("ETag"));
        assertEquals(LAST_MODIFIED_TEXT, headers.get("Last-Modified"));

        Map<String, String> notFound = semantics.headersFor(request, NOT_FOUND);
        assertFalse(notFound.containsKey("ETag"));
        assertEquals("public, max-age=1", notFound.get("Cache-Control"));
    }

    @Test
    void corsAllowsAnyOriginByDefaultOrTheConfiguredOne() {
        assertEquals("*", semantics.corsHeaders().get("Access-Control-Allow-Origin"));
        HttpCacheSemantics site = new HttpCacheSemantics(Duration.ofMillis(500), Duration.ofMinutes(1), "https://watch.example.org:8443");
        assertEquals("https://watch.example.org:8443", site.corsHeaders().get("Access-Control-Allow-Origin"));
        assertEquals("https://watch.example.org:8443", site.preflightHeaders().get("Access-Control-Allow-Origin"));
        assertTrue(site.preflightHeaders().get("Access-Control-Allow-Headers").contains("Range"));
    }

    @Test
    void aCorsOriginThatCouldSplitHeadersIsRejected() {
        for (String bad : List.of("", "example.org", "https://a.example\r\nSet-Cookie: x=1", "https://a.example/path", "* ")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new HttpCacheSemantics(Duration.ofMillis(500), Duration.ofMinutes(1), bad), bad);
        }
    }
}
