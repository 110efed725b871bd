package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.OriginRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signing and judging playback tokens: expiry, tampering, the wrong stream, malformed and huge input. */
class PlaybackTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final PlaybackTokens tokens = at(NOW);

    private static PlaybackTokens at(Instant now) {
        return new PlaybackTokens(SECRET, Set.of("main", "members"), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theTokenIsExpiryDotHmacOfStreamAndExpiry() throws Exception {
        PlaybackTokens.Token token = tokens.mint("main", Duration.ofHours(2));
        long expiry = NOW.getEpochSecond() + 7200;
        assertEquals(Instant.ofEpochSecond(expiry), token.expiresAt());
        // Computed independently: what an operator's script or a CDN rule would do.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(("main\n" + expiry).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expiry + "." + signature, token.value());
        assertEquals("/live/main/t/" + token.value() + "/", token.livePath());
        assertEquals("/watch/main/t/" + token.value(), token.watchPath());
        assertEquals(PlaybackTokens.Verdict.VALID, tokens.check("main", token.value()));
    }

    @Test
    void aTokenWorksUntilItsExpiryAndNotAfter() {
        PlaybackTokens.Token token = tokens.mint("main", Duration.ofMinutes(10));
        assertEquals(PlaybackTokens.Verdict.VALID, at(NOW.plusSeconds(599)).check("main", token.value()));
        assertEquals(PlaybackTokens.Verdict.EXPIRED, at(NOW.plusSeconds(600)).check("main", token.value()));
        assertEquals(PlaybackTokens.Verdict.EXPIRED, at(NOW.plus(Duration.ofDays(400))).check("main", token.value()));
        // A fraction of a second of lifetime still buys a whole second, never less than asked.
        PlaybackTokens.Token brief = at(NOW.plusMillis(250)).mint("main", Duration.ofMillis(500));
        assertEquals(NOW.getEpochSecond() + 1, brief.expiresAt().getEpochSecond());
        assertThrows(IllegalArgumentException.class, () -> tokens.mint("main", Duration.ZERO));
    }

    @Test
    void anyChangedCharacterIsRefused() {
        String value = tokens.mint("main", Duration.ofHours(1)).value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            char other = c == 'A' ? 'B' : (c == '.' ? '_' : (Character.isDigit(c) ? (c == '9' ? '8' : (char) (c + 1)) : 'A'));
            String tampered = value.substring(0, i) + other + value.substring(i + 1);
            PlaybackTokens.Verdict verdict = tokens.check("main", tampered);
            assertTrue(!verdict.allowed(), "tampered at " + i + ": " + tampered + " -> " + verdict);
        }
        // Extending the expiry is the tampering that matters: it fails the signature, not the clock.
        long expiry = Long.parseLong(value.substring(0, value.indexOf('.')));
        String extended = (expiry + 86_400) + value.substring(value.indexOf('.'));
        assertEquals(PlaybackTokens.Verdict.BAD_SIGNATURE, tokens.check("main", extended));
        String padded = "0" + value;
        assertEquals(PlaybackTokens.Verdict.BAD_SIGNATURE, tokens.check("main", padded));
    }

    @Test
    void aTokenIsForOneStreamAndOneSecret() {
        String forMain = tokens.mint("main", Duration.ofHours(1)).value();
        assertEquals(PlaybackTokens.Verdict.BAD_SIGNATURE, tokens.check("members", forMain));
        PlaybackTokens otherSecret = new PlaybackTokens(SECRET + "x", Set.of("main"), Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(PlaybackTokens.Verdict.BAD_SIGNATURE, otherSecret.check("main", forMain));
        assertNotEquals(forMain, otherSecret.mint("main", Duration.ofHours(1)).value());
    }

    @Test
    void publicStreamsIgnoreTokensAndSignedOnesNeedOne() {
        assertEquals(PlaybackTokens.Verdict.PUBLIC, tokens.check("open", null));
        assertEquals(PlaybackTokens.Verdict.PUBLIC, tokens.check("open", "garbage"));
        assertEquals(PlaybackTokens.Verdict.MISSING, tokens.check("main", null));
        assertTrue(tokens.required("members"));
        assertTrue(!tokens.required("open"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", ".", "abc", "123", "123.", ".abc",
        "12.short",
        "abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "1.2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
        "1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "１７００００００００.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    })
    void malformedTokensAreRefusedWithoutThrowing(String token) {
        PlaybackTokens.Verdict verdict = tokens.check("main", token);
        assertTrue(verdict == PlaybackTokens.Verdict.MALFORMED || verdict == PlaybackTokens.Verdict.BAD_SIGNATURE,
                token + " -> " + verdict);
    }

    @Test
    void hugeInputIsRefusedUnread() {
        String huge = "1".repeat(10) + "." + "A".repeat(1_000_000);
        assertEquals(PlaybackTokens.Verdict.MALFORMED, tokens.check("main", huge));
        assertEquals(PlaybackTokens.Verdict.MALFORMED, tokens.check("main", "9".repeat(100_000) + "." + "A".repeat(43)));
    }

    @Test
    void theTokenPathElementIsParsedOutOfMediaAndWatchPaths() {
        String value = tokens.mint("main", Duration.ofHours(1)).value();
        RequestTarget.Media playlist = assertInstanceOf(RequestTarget.Media.class,
                RequestTarget.parse("/live/main/t/" + value + "/720p/index.m3u8?_HLS_msn=5&_HLS_part=1"));
        assertEquals(value, playlist.token());
        assertEquals("main/720p/index.m3u8?_HLS_msn=5&_HLS_part=1", playlist.request().cacheKey(),
                "the cache key is the same for every viewer's token");
        RequestTarget.Media mpd = assertInstanceOf(RequestTarget.Media.class, RequestTarget.parse("/live/main/t/" + value + "/manifest.mpd"));
        assertEquals(OriginRequest.of("main", null, "manifest.mpd"), mpd.request());
        assertEquals(PlaybackTokens.Verdict.VALID, tokens.check(mpd));
        RequestTarget.Watch watch = assertInstanceOf(RequestTarget.Watch.class, RequestTarget.parse("/watch/main/t/" + value));
        assertEquals(value, watch.token());
        assertEquals(PlaybackTokens.Verdict.VALID, tokens.check(watch));
        // Without a token: as before, and refused for a signed stream.
        RequestTarget.Media plain = assertInstanceOf(RequestTarget.Media.class, RequestTarget.parse("/live/main/720p/seg1.m4s"));
        assertNull(plain.token());
        assertEquals(PlaybackTokens.Verdict.MISSING, tokens.check(plain));
        assertEquals(PlaybackTokens.Verdict.PUBLIC, tokens.check(RequestTarget.parse("/time")));
        // A rendition called "t" still works without a token.
        assertEquals(OriginRequest.of("main", "t", "index.m3u8"),
                assertInstanceOf(RequestTarget.Media.class, RequestTarget.parse("/live/main/t/index.m3u8")).request());
        // Hostile token elements never reach the judge.
        for (String bad : new String[] {"/live/main/t/%2e%2e/index.m3u8", "/live/main/t/a%2Fb/index.m3u8",
                "/live/main/t/" + "A".repeat(PlaybackTokens.MAX_TOKEN_LENGTH + 1) + "/index.m3u8", "/live/main/t//index.m3u8",
                "/live/main/t/" + value + "/../index.m3u8"}) {
            assertInstanceOf(RequestTarget.BadRequest.class, RequestTarget.parse(bad), bad);
        }
    }
}
