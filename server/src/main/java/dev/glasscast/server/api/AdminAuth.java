package dev.glasscast.server.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Decides whether a request carries the admin token: as {@code Authorization: Bearer <token>},
 * as the {@value #COOKIE} cookie that {@code /dashboard?token=} sets, or as that query parameter
 * itself. Every comparison takes the same time whatever the guess, so the token cannot be found
 * byte by byte from response times.
 */
public final class AdminAuth {

    public static final String COOKIE = "glasscast_admin";
    private static final String BEARER = "Bearer ";

    private final byte[] token;

    public AdminAuth(String token) {
        this.token = Objects.requireNonNull(token, "token").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the header or the cookie carries the token; {@code queryToken} may be null. */
    public boolean allows(HttpHeaders headers, String queryToken) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && matches(authorization.substring(BEARER.length()).strip())) {
            return true;
        }
        if (queryToken != null && matches(queryToken)) {
            return true;
        }
        String cookies = headers.get(HttpHeaderNames.COOKIE);
        if (cookies != null) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decode(cookies)) {
                if (COOKIE.equals(cookie.name()) && matches(cookie.value())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Constant-time comparison with the token. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code Set-Cookie} value that remembers the token for the dashboard and the API. */
    public String sessionCookie() {
        DefaultCookie cookie = new DefaultCookie(COOKIE, new String(token, StandardCharsets.UTF_8));
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        cookie.setMaxAge(30L * 24 * 3600);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }
}
