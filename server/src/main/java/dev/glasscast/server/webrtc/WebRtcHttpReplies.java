package dev.glasscast.server.webrtc;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What the WHEP and WHIP resources answer with besides an SDP answer: the CORS headers a page on
 * another origin needs, the preflight, refusals as one line of text, and the random ids and ICE
 * credentials of new sessions. Stateless.
 */
final class WebRtcHttpReplies {

    static final String SDP = "application/sdp";
    static final String ALLOW_METHODS = "POST, DELETE, OPTIONS, PATCH";
    static final String ALLOW_HEADERS = "Content-Type, Authorization, If-Match";
    static final String EXPOSE_HEADERS = "Location, ETag, Link";
    /** Random bytes of a session id (base64url in the Location URL). */
    static final int SESSION_ID_BYTES = 16;
    /** Random bytes of our ICE ufrag (8 ice-chars) and password (24 ice-chars, above the 22 of RFC 8839). */
    static final int UFRAG_BYTES = 6;
    static final int PASSWORD_BYTES = 18;

    private WebRtcHttpReplies() {
    }

    /** Whether a Content-Type is {@code application/sdp}, parameters aside. */
    static boolean isSdp(String contentType) {
        return contentType != null && SDP.equals(contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT));
    }

    static FullHttpResponse preflight(String allow) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.ALLOW, allow)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400")
                .set("Accept-Post", SDP)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    /** 201 Created with the SDP answer, the session's URL and its ETag. */
    static FullHttpResponse created(String sdp, String location, String etag) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.copiedBuffer(sdp, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, SDP)
                .set(HttpHeaderNames.LOCATION, location)
                .set(HttpHeaderNames.ETAG, "\"" + etag + "\"")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    static FullHttpResponse full(int maxSessions) {
        FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the server has its most WebRTC sessions (" + maxSessions + "); try again later");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
        return response;
    }

    static FullHttpResponse notAllowed(String allow, String why) {
        FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, why);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return cors(response);
    }

    static FullHttpResponse cors(FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
        return response;
    }

    /** base64url (for URLs) or base64 without padding (ice-chars are letters, digits, + and /). */
    static String randomText(SecureRandom random, int bytes, boolean urlSafe) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return (urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder()).withoutPadding().encodeToString(value);
    }
}
