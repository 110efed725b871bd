package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.OriginRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @Test
    void mediaPathsSplitIntoStreamRenditionAndResource() {
        OriginRequest multivariant = media("/live/main/index.m3u8");
        assertEquals(OriginRequest.of("main", null, "index.m3u8"), multivariant);
        OriginRequest segment = media("/live/main/720p/seg12.m4s");
        assertEquals(OriginRequest.of("main", "720p", "seg12.m4s"), segment);
        OriginRequest blocking = media("/live/main/720p/index.m3u8?_HLS_msn=12&_HLS_part=3");
        assertEquals("12", blocking.query().get("_HLS_msn"));
        assertEquals("main/720p/index.m3u8?_HLS_msn=12&_HLS_part=3", blocking.cacheKey());
    }

    @Test
    void healthAndUnknownPaths() {
        assertInstanceOf(RequestTarget.Health.class, RequestTarget.parse("/healthz"));
        assertInstanceOf(RequestTarget.NotFound.class, RequestTarget.parse("/nothing/here"));
        assertInstanceOf(RequestTarget.NotFound.class, RequestTarget.parse("/live/main"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/live/../etc/passwd",
        "/live/main/..",
        "/live/main/%2e%2e/index.m3u8",
        "/live/main/%2E%2E%2Fsecret/index.m3u8",
        "/live/ma%00in/index.m3u8",
        "/live/main/seg1.m4s%2F..%2F..",
        "/live/main/.hidden",
        "/live/main/x/..%252f",
        "relative/path",
        "/live/main/index.m3u8?a=1&a=2",
    })
    void hostileTargetsAreRejected(String target) {
        assertInstanceOf(RequestTarget.BadRequest.class, RequestTarget.parse(target), target);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // Encoded and alternative forms of "..", "/" and "\\".
        "/live/main/%2e%2e",
        "/live/main/%252e%252e/index.m3u8",
        "/live/main/..%c0%af..%c0%afetc%c0%afpasswd",
        "/live/main/%c0%ae%c0%ae/index.m3u8",
        "/live/main/..%5c..%5cwindows",
        "/live/main\\..\\..\\etc\\passwd",
        "/live/main/720p/..\\seg1.m4s",
        "/live/main/%2e./index.m3u8",
        "/live/main/.%2e/index.m3u8",
        "/live/main/..;/index.m3u8",
        "/live/main/%u002e%u002e/index.m3u8",
        "/assets/..%2f..%2fetc%2fpasswd",
        "/assets/../../etc/passwd",
        "/assets/.env",
        "/assets/hls.mi-.5sls..5", // found by RequestTargetFuzzTest: assets were not checked for ".."

        "/watch/..%2f..",
        "/live/main/seg1.m4s%00.m3u8",
        "/live/main/\u0000/index.m3u8",
    })
    void traversalInAnyEncodingNeverReachesAResource(String target) {
        RequestTarget.Route route = RequestTarget.parse(target);
        assertTrue(route instanceof RequestTarget.BadRequest || route instanceof RequestTarget.NotFound, target + " -> " + route);
    }

    @Test
    void overlongTargetIsRejected() {
        String target = "/live/main/index.m3u8?x=" + "a".repeat(RequestTarget.MAX_TARGET_LENGTH);
        assertInstanceOf(RequestTarget.BadRequest.class, RequestTarget.parse(target));
    }

    @Test
    void operatorRoutesAreRecognisedWithTheirParts() {
        assertEquals(new RequestTarget.Dashboard(null), RequestTarget.parse("/dashboard"));
        assertEquals(new RequestTarget.Dashboard("abc"), RequestTarget.parse("/dashboard?token=abc"));
        assertEquals(new RequestTarget.Metrics(), RequestTarget.parse("/metrics"));
        assertEquals(new RequestTarget.Api(java.util.List.of("streams", "main", "kick")),
                RequestTarget.parse("/api/v1/streams/main/kick"));
        assertEquals(new RequestTarget.Api(java.util.List.of("streams", "main", "qr.png")),
                RequestTarget.parse("/api/v1/streams/main/qr.png"));
        assertInstanceOf(RequestTarget.BadRequest.class, RequestTarget.parse("/api/v1/streams/%2e%2e/kick"));
        assertInstanceOf(RequestTarget.BadRequest.class, RequestTarget.parse("/api/v1/streams/.."));
        assertInstanceOf(RequestTarget.NotFound.class, RequestTarget.parse("/api/v2/streams"));
    }

    private static OriginRequest media(String target) {
        return assertInstanceOf(RequestTarget.Media.class, RequestTarget.parse(target)).request();
    }
}
