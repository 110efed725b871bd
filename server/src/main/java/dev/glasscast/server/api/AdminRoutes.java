package dev.glasscast.server.api;

import dev.glasscast.config.DurationText;
import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RestreamConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.server.dashboard.KeyFrameThumbnails;
import dev.glasscast.server.http.PlaybackTokens;
import dev.glasscast.server.http.RequestTarget;
import dev.glasscast.server.metrics.GlassCastMetrics;
import dev.glasscast.server.qr.QrCode;
import dev.glasscast.transcode.restream.RestreamStatus;
import dev.glasscast.transcode.restream.Restreamer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's side of the HTTP server, all behind the admin token: the dashboard page, the
 * JSON API under {@code /api/v1/} and {@code /metrics}.
 *
 * <pre>
 * GET  /dashboard                         the dashboard (static HTML; it reads the API)
 * GET  /dashboard?token=T                 sets the HttpOnly cookie, then redirects to /dashboard
 * GET  /api/v1/streams                    every configured stream's report
 * GET  /api/v1/streams/{name}             one report; 404 for a stream not configured
 * POST /api/v1/streams/{name}/kick        disconnects its publisher; 409 when not live
 * GET  /api/v1/streams/{name}/qr.png      QR code of its watch URL (signed playback: of a link minted
 *                                         for server.playback_link_lifetime)
 * POST /api/v1/streams/{name}/watch-link?lifetime=2h  mints a signed watch link (lifetime optional,
 *                                         1m to 8784h); for a public stream, its plain URLs
 * GET  /api/v1/streams/{name}/thumbnail.jpg  latest key frame of its smallest rendition; 404 when none
 * GET  /api/v1/streams/{name}/restream    its restream destinations (keys redacted), each with its id
 * POST /api/v1/streams/{name}/restream    adds one: {"url": "rtmps://...", "send": "source", "ca_file": null}
 *                                         (send and ca_file optional); 201 with its id, 400 saying what
 *                                         is wrong; it starts at once if the stream is live
 * DELETE /api/v1/streams/{name}/restream/{id}  removes one (it stops at once); 404 for no such id
 * GET  /api/v1/config                     the running config, secrets redacted
 * GET  /metrics                           Prometheus text format
 * </pre>
 *
 * Without the token every one answers 401. Responses are built here; slow work (thumbnails)
 * completes on other threads, so every answer is a future.
 */
public final class AdminRoutes {

    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final int QR_PIXELS_PER_MODULE = 4;
    private static final Duration MIN_LINK_LIFETIME = Duration.ofMinutes(1);
    private static final Duration MAX_LINK_LIFETIME = Duration.ofDays(366);

    private final AdminAuth auth;
    private final GlassCastConfig config;
    private final StreamHub hub;
    private final StreamMonitor monitor;
    private final KeyFrameThumbnails thumbnails;
    private final GlassCastMetrics metrics;
    private final Supplier<PublicAddresses> addresses;
    private final ApiJson json = new ApiJson();
    private final byte[] dashboardPage;
    private final PlaybackTokens tokens;
    private final Restreamer restreamer;
    private final Supplier<List<RungConfig>> ladder;

    /**
     * @param tokens     signs the watch links of streams with signed playback
     * @param restreamer the restream destinations the API lists, adds and removes
     * @param ladder     the ladder now (a reload changes it), which a destination's {@code send} names a rung of
     */
    public AdminRoutes(AdminAuth auth, GlassCastConfig config, StreamHub hub, StreamMonitor monitor,
                       KeyFrameThumbnails thumbnails, GlassCastMetrics metrics, Supplier<PublicAddresses> addresses,
                       PlaybackTokens tokens, Restreamer restreamer, Supplier<List<RungConfig>> ladder) {
        this.auth = auth;
        this.restreamer = restreamer;
        this.ladder = ladder;
        this.tokens = tokens;
        this.config = config;
        this.hub = hub;
        this.monitor = monitor;
        this.thumbnails = thumbnails;
        this.metrics = metrics;
        this.addresses = addresses;
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/dev/glasscast/server/web/dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("missing the dashboard page resource");
            }
            this.dashboardPage = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the streams live now (the home page picks the watch page or the dashboard by it). */
    public List<String> liveStreams() {
        return monitor.liveStreamNames();
    }

    /**
     * Answers one of {@link RequestTarget.Dashboard}, {@link RequestTarget.Api} or {@link RequestTarget.Metrics}.
     *
     * @param body the request's body (a copy: the request is released once this returns)
     */
    public CompletableFuture<FullHttpResponse> handle(HttpMethod method, HttpHeaders headers, byte[] body,
                                                      RequestTarget.Route route) {
        try {
            return switch (route) {
                case RequestTarget.Dashboard dashboard -> CompletableFuture.completedFuture(dashboard(method, headers, dashboard));
                case RequestTarget.Metrics m -> CompletableFuture.completedFuture(!auth.allows(headers, null)
                        ? unauthorized() : !readOnly(method) ? notAllowed("GET, HEAD")
                        : bytes(HttpResponseStatus.OK, metrics.scrape().getBytes(StandardCharsets.UTF_8),
                        "text/plain; version=0.0.4; charset=utf-8"));
                case RequestTarget.Api api -> !auth.allows(headers, null)
                        ? CompletableFuture.completedFuture(unauthorized()) : api(method, api.path(), api.query(), body);
                default -> CompletableFuture.completedFuture(error(HttpResponseStatus.NOT_FOUND, "not found"));
            };
        } catch (RuntimeException e) {
            log.error("admin request {} failed", route, e);
            return CompletableFuture.completedFuture(error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
        }
    }

    private FullHttpResponse dashboard(HttpMethod method, HttpHeaders headers, RequestTarget.Dashboard dashboard) {
        if (!readOnly(method)) {
            return notAllowed("GET, HEAD");
        }
        if (dashboard.token() != null) {
            if (!auth.matches(dashboard.token())) {
                return unauthorized();
            }
            // The cookie carries the token from here on; the redirect takes it out of the address
            // bar and the browser history.
            FullHttpResponse response = bytes(HttpResponseStatus.SEE_OTHER, new byte[0], "text/plain");
            response.headers().set(HttpHeaderNames.LOCATION, "/dashboard");
            response.headers().set(HttpHeaderNames.SET_COOKIE, auth.sessionCookie());
            return response;
        }
        if (!auth.allows(headers, null)) {
            FullHttpResponse response = bytes(HttpResponseStatus.UNAUTHORIZED, ("<!doctype html><meta charset=utf-8>"
                    + "<meta name=viewport content='width=device-width'><title>GlassCast dashboard</title>"
                    + "<body style='font-family:system-ui;padding:1rem'><h1>Dashboard</h1><p>Open the dashboard link "
                    + "GlassCast printed at start-up (it ends in <code>?token=…</code>).</p>").getBytes(StandardCharsets.UTF_8),
                    "text/html; charset=utf-8");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"glasscast\"");
            return response;
        }
        return bytes(HttpResponseStatus.OK, dashboardPage, "text/html; charset=utf-8");
    }

    private CompletableFuture<FullHttpResponse> api(HttpMethod method, List<String> path, Map<String, String> query,
                                                    byte[] body) {
        if (path.equals(List.of("streams"))) {
            return answered(readOnly(method) ? ok(Map.of("streams", monitor.reports(), "live", monitor.liveStreamNames()))
                    : notAllowed("GET, HEAD"));
        }
        if (path.equals(List.of("config"))) {
            return answered(readOnly(method) ? ok(json.redactedConfig(config)) : notAllowed("GET, HEAD"));
        }
        if (path.size() < 2 || path.size() > 4 || !path.get(0).equals("streams") || !StreamPath.isValidName(path.get(1))
                || config.ingest().stream(path.get(1)).isEmpty()) {
            return answered(error(HttpResponseStatus.NOT_FOUND, "no such stream or call"));
        }
        String stream = path.get(1);
        if (path.size() == 2) {
            return answered(readOnly(method) ? ok(monitor.report(stream).orElseThrow()) : notAllowed("GET, HEAD"));
        }
        if (path.get(2).equals("restream")) {
            // Adding one attaches it to the hub (its lock) and starts its thread: not on the event loop.
            return CompletableFuture.supplyAsync(() -> restream(method, stream, path.subList(3, path.size()), body),
                    task -> Thread.ofVirtual().name("api-restream").start(task));
        }
        if (path.size() == 4) {
            return answered(error(HttpResponseStatus.NOT_FOUND, "no such stream or call"));
        }
        return switch (path.get(2)) {
            case "kick" -> {
                if (!HttpMethod.POST.equals(method)) {
                    yield answered(notAllowed("POST"));
                }
                boolean kicked = hub.kick(StreamPath.source(stream));
                yield answered(kicked ? ok(Map.of("stream", stream, "kicked", true))
                        : error(HttpResponseStatus.CONFLICT, "stream " + stream + " is not live"));
            }
            case "qr.png" -> answered(readOnly(method)
                    ? cached(bytes(HttpResponseStatus.OK, QrCode.of(watchLink(stream, config.server().playbackLinkLifetime())
                            .watchUrl()).png(QR_PIXELS_PER_MODULE), "image/png"))
                    : notAllowed("GET, HEAD"));
            case "watch-link" -> {
                if (!HttpMethod.POST.equals(method)) {
                    yield answered(notAllowed("POST"));
                }
                Duration lifetime = config.server().playbackLinkLifetime();
                String asked = query.get("lifetime");
                if (asked != null) {
                    try {
                        lifetime = DurationText.parse(asked);
                    } catch (IllegalArgumentException e) {
                        yield answered(error(HttpResponseStatus.BAD_REQUEST, "lifetime " + e.getMessage()));
                    }
                    if (lifetime.compareTo(MIN_LINK_LIFETIME) < 0 || lifetime.compareTo(MAX_LINK_LIFETIME) > 0) {
                        yield answered(error(HttpResponseStatus.BAD_REQUEST, "lifetime must be 1m to 8784h, e.g. 2h"));
                    }
                }
                WatchLink link = watchLink(stream, lifetime);
                yield answered(ok(link.withQr(QrCode.of(link.watchUrl()).png(QR_PIXELS_PER_MODULE))));
            }
            case "thumbnail.jpg" -> !readOnly(method) ? answered(notAllowed("GET, HEAD"))
                    : thumbnails.jpeg(stream).thenApply(jpeg -> jpeg
                            .map(bytes -> bytes(HttpResponseStatus.OK, bytes, "image/jpeg"))
                            .orElseGet(() -> error(HttpResponseStatus.NOT_FOUND, "no picture yet")));
            default -> answered(error(HttpResponseStatus.NOT_FOUND, "no such stream or call"));
        };
    }

    /** {@code /api/v1/streams/{name}/restream[/{id}]}: list, add, remove. */
    private FullHttpResponse restream(HttpMethod method, String stream, List<String> rest, byte[] body) {
        if (rest.isEmpty()) {
            if (readOnly(method)) {
                return ok(Map.of("restream", monitor.report(stream).orElseThrow().restream()));
            }
            if (!HttpMethod.POST.equals(method)) {
                return notAllowed("GET, HEAD, POST");
            }
            RestreamConfig destination;
            try {
                JsonNode asked = json.read(body);
                destination = new RestreamConfig(text(asked, "url"), text(asked, "send"), text(asked, "ca_file"));
            } catch (IllegalArgumentException e) {
                return error(HttpResponseStatus.BAD_REQUEST, e.getMessage()
                        + "; send {\"url\": \"rtmps://host/app/key\", \"send\": \"source\"}");
            }
            List<RestreamConfig.Problem> problems = destination.problems(ladder.get());
            if (!problems.isEmpty()) {
                return error(HttpResponseStatus.BAD_REQUEST, String.join("; ", problems.stream()
                        .map(problem -> problem.field() + " " + problem.message()).toList()));
            }
            RestreamStatus added = restreamer.add(stream, destination);
            return bytes(HttpResponseStatus.CREATED, json.write(Map.of("id", added.index(),
                    "destination", added.destination(), "send", added.send())), JSON);
        }
        if (!HttpMethod.DELETE.equals(method)) {
            return notAllowed("DELETE");
        }
        int id;
        try {
            id = Integer.parseInt(rest.getFirst());
        } catch (NumberFormatException e) {
            return error(HttpResponseStatus.NOT_FOUND, "no restream destination " + rest.getFirst() + " of " + stream);
        }
        return restreamer.remove(stream, id) ? ok(Map.of("stream", stream, "removed", id))
                : error(HttpResponseStatus.NOT_FOUND, "no restream destination " + id + " of " + stream);
    }

    /** A string field of a request body, null when absent or null; an {@link IllegalArgumentException} when not a string. */
    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    /**
     * What {@code watch-link} answers: where to watch a stream and until when. For a public
     * stream the plain URLs, without expiry.
     *
     * @param qrPng the watch URL's QR code as a {@code data:} URL, to show as it is
     */
    public record WatchLink(String stream, String playback, String watchUrl, String hlsUrl, String dashUrl,
                            Instant expiresAt, String qrPng) {
        WatchLink withQr(byte[] png) {
            return new WatchLink(stream, playback, watchUrl, hlsUrl, dashUrl, expiresAt,
                    "data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        }
    }

    private WatchLink watchLink(String stream, Duration lifetime) {
        String web = addresses.get().webBase();
        if (!tokens.required(stream)) {
            return new WatchLink(stream, StreamConfig.PUBLIC, addresses.get().watchUrl(stream), web + "/live/" + stream + "/index.m3u8",
                    web + "/live/" + stream + "/manifest.mpd", null, null);
        }
        PlaybackTokens.Token token = tokens.mint(stream, lifetime);
        return new WatchLink(stream, StreamConfig.SIGNED, web + token.watchPath(), web + token.livePath() + "index.m3u8",
                web + token.livePath() + "manifest.mpd", token.expiresAt(), null);
    }

    private static boolean readOnly(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }

    private static CompletableFuture<FullHttpResponse> answered(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private FullHttpResponse ok(Object body) {
        return bytes(HttpResponseStatus.OK, json.write(body), JSON);
    }

    private FullHttpResponse error(HttpResponseStatus status, String message) {
        return bytes(status, json.write(Map.of("error", message)), JSON);
    }

    private FullHttpResponse unauthorized() {
        FullHttpResponse response = error(HttpResponseStatus.UNAUTHORIZED,
                "admin token required: Authorization: Bearer <token>, or open the printed dashboard link");
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"glasscast\"");
        return response;
    }

    private FullHttpResponse notAllowed(String allow) {
        FullHttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    private static FullHttpResponse cached(FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=300");
        return response;
    }

    private static FullHttpResponse bytes(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }
}
