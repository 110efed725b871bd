package dev.glasscast.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.server.http.RequestTarget;
import java.nio.charset.StandardCharsets;

/**
 * Parses arbitrary request targets (as Netty hands them over: ISO-8859-1 characters of the
 * request line). {@link RequestTarget#parse} answers every target with a route and never throws.
 * Whatever it routes to media must name nothing outside the store: a valid stream name, a
 * rendition and resource from the strict alphabet, no {@code ..}, no separator, no escape.
 */
class RequestTargetFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void routesOrRefusesEveryTarget(byte[] input) {
        String target = new String(input, StandardCharsets.ISO_8859_1);
        check(target);
        // Most targets a fuzzer writes are relative; also try each as an absolute path.
        check("/" + target);
        check("/live/" + target);
    }

    private static void check(String target) {
        RequestTarget.Route route = RequestTarget.parse(target);
        assertNotNull(route, target);
        if (route instanceof RequestTarget.Media media) {
            OriginRequest request = media.request();
            assertTrue(StreamPath.isValidName(request.stream()), "stream name " + request.stream());
            if (request.rendition() != null) {
                assertTrue(StreamPath.isValidName(request.rendition()), "rendition " + request.rendition());
            }
            assertSafeElement(request.resource());
        } else if (route instanceof RequestTarget.Asset asset) {
            assertSafeElement(asset.name());
        } else if (route instanceof RequestTarget.Watch watch) {
            assertTrue(StreamPath.isValidName(watch.stream()), "watch stream " + watch.stream());
        }
    }

    private static void assertSafeElement(String element) {
        assertFalse(element.contains(".."), element);
        assertFalse(element.startsWith("."), element);
        for (char c : element.toCharArray()) {
            assertTrue((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.',
                    "character " + (int) c + " in " + element);
        }
    }
}
