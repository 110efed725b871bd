package dev.glasscast.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAuthTest {

    private static final String TOKEN = "correct-horse-battery-staple";
    private final AdminAuth auth = new AdminAuth(TOKEN);

    @TempDir
    Path dir;

    @Test
    void bearerHeaderCookieAndQueryTokenAreAccepted() {
        assertTrue(auth.allows(headers(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN), null));
        assertTrue(auth.allows(headers(HttpHeaderNames.AUTHORIZATION, "bearer " + TOKEN), null));
        assertTrue(auth.allows(headers(HttpHeaderNames.COOKIE, "other=1; " + AdminAuth.COOKIE + "=" + TOKEN), null));
        assertTrue(auth.allows(new DefaultHttpHeaders(), TOKEN));
    }

    @Test
    void missingOrWrongTokensAreRefused() {
        assertFalse(auth.allows(new DefaultHttpHeaders(), null));
        assertFalse(auth.allows(headers(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN + "x"), null));
        assertFalse(auth.allows(headers(HttpHeaderNames.AUTHORIZATION, "Basic " + TOKEN), null));
        assertFalse(auth.allows(headers(HttpHeaderNames.COOKIE, AdminAuth.COOKIE + "=nope"), "nope"));
        assertFalse(auth.matches(""));
        assertFalse(auth.matches(null));
    }

    @Test
    void sessionCookieIsHttpOnlyAndStrict() {
        String cookie = auth.sessionCookie();
        assertTrue(cookie.startsWith(AdminAuth.COOKIE + "=" + TOKEN), cookie);
        assertTrue(cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
    }

    @Test
    void generatedTokenIsKeptAcrossRunsAndConfiguredOneWins() throws Exception {
        AdminTokenStore store = new AdminTokenStore(dir.resolve("data"), new SecureRandom());
        String first = store.resolve(null);
        assertEquals(48, first.length());
        assertEquals(first, new AdminTokenStore(dir.resolve("data"), new SecureRandom()).resolve(null));
        assertEquals(first, Files.readString(store.file()).strip());
        assertEquals(TOKEN, store.resolve(TOKEN));
        assertNotEquals(first, new AdminTokenStore(dir.resolve("other"), new SecureRandom()).resolve(null));
    }

    private static HttpHeaders headers(CharSequence name, String value) {
        return new DefaultHttpHeaders().set(name, value);
    }
}
