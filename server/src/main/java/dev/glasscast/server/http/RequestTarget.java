package dev.glasscast.server.http;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.OriginRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses an HTTP request target into what the daemon serves, rejecting anything odd before it
 * reaches a renderer: targets longer than {@link #MAX_TARGET_LENGTH}, more than
 * {@link #MAX_QUERY_PARAMETERS} parameters, path elements outside a strict alphabet (so no
 * {@code ..}, in any encoding, can ever name a file), and malformed escapes.
 */
public final class RequestTarget {

    public static final int MAX_TARGET_LENGTH = 2048;
    public static final int MAX_QUERY_PARAMETERS = 16;
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");
    /** What a playback token may look like before {@link PlaybackTokens} reads it: base64url, digits and dots. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1," + PlaybackTokens.MAX_TOKEN_LENGTH + "}");

    /** What a request target asks for. */
    public sealed interface Route permits Media, Watch, Asset, Home, Health, Time, NotFound, BadRequest, Dashboard, Api, Metrics {
    }

    /** The operator's dashboard; {@code token} is the {@code ?token=} that logs in, or null. */
    public record Dashboard(String token) implements Route {
    }

    /**
     * A JSON API call under {@code /api/v1/}: the path elements after it, each validated, and its
     * query parameters (each given once).
     */
    public record Api(List<String> path, Map<String, String> query) implements Route {
        public Api {
            path = List.copyOf(path);
            query = Map.copyOf(query);
        }

        public Api(List<String> path) {
            this(path, Map.of());
        }
    }

    /** The Prometheus scrape endpoint. */
    public record Metrics() implements Route {
    }

    /**
     * The watch page of one stream; {@code token} is the signed playback token of
     * {@code /watch/{stream}/t/{token}}, or null.
     */
    public record Watch(String stream, String token) implements Route {
        public Watch(String stream) {
            this(stream, null);
        }
    }

    /** A front-end asset such as hls.js. */
    public record Asset(String name) implements Route {
    }

    public record Home() implements Route {
    }

    /**
     * A packaged object; {@code token} is the signed playback token of
     * {@code /live/{stream}/t/{token}/...}, or null. The request itself never holds the token, so
     * every viewer's request for an object has the same cache key.
     */
    public record Media(OriginRequest request, String token) implements Route {
        public Media(OriginRequest request) {
            this(request, null);
        }
    }

    public record Health() implements Route {
    }

    /** The wall clock as ISO 8601, for DASH players' UTCTiming (urn:mpeg:dash:utc:http-iso:2014). */
    public record Time() implements Route {
    }

    public record NotFound() implements Route {
    }

    public record BadRequest(String reason) implements Route {
    }

    private RequestTarget() {
    }

    public static Route parse(String target) {
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            return new BadRequest("request target must be an absolute path");
        }
        if (target.length() > MAX_TARGET_LENGTH) {
            return new BadRequest("request target longer than " + MAX_TARGET_LENGTH + " characters");
        }
        QueryStringDecoder decoder;
        Map<String, List<String>> parameters;
        String path;
        try {
            decoder = new QueryStringDecoder(target, StandardCharsets.UTF_8, true, MAX_QUERY_PARAMETERS);
            // The path is matched still encoded: a legitimate path has nothing to escape, and an
            // escaped one ("%2e%2e", "%2F") is refused by the element pattern below.
            path = decoder.rawPath();
            parameters = decoder.parameters();
        } catch (IllegalArgumentException e) {
            return new BadRequest("malformed request target: " + e.getMessage());
        }
        String[] elements = path.substring(1).split("/", -1);
        switch (path) {
            case "/" -> {
                return new Home();
            }
            case "/healthz" -> {
                return new Health();
            }
            case "/metrics" -> {
                return new Metrics();
            }
            case "/dashboard", "/dashboard/" -> {
                List<String> token = parameters.get("token");
                return new Dashboard(token == null || token.isEmpty() ? null : token.get(0));
            }
            case "/time" -> {
                return new Time();
            }
            default -> {
            }
        }
        String token = null;
        if ((elements[0].equals("watch") && elements.length == 4 || elements[0].equals("live") && elements.length >= 5)
                && elements[2].equals(PlaybackTokens.PATH_ELEMENT)) {
            // A signed playback link: /watch/{stream}/t/{token} or /live/{stream}/t/{token}/...
            // The token leaves the path here; PlaybackTokens judges it.
            token = elements[3];
            if (!TOKEN.matcher(token).matches()) {
                return new BadRequest("malformed playback token");
            }
            String[] rest = new String[elements.length - 2];
            rest[0] = elements[0];
            rest[1] = elements[1];
            System.arraycopy(elements, 4, rest, 2, elements.length - 4);
            elements = rest;
        }
        if (elements.length == 2 && elements[0].equals("watch")) {
            return StreamPath.isValidName(elements[1]) ? new Watch(elements[1], token) : new BadRequest("invalid stream name");
        }
        if (elements.length >= 3 && elements.length <= 6 && elements[0].equals("api") && elements[1].equals("v1")) {
            List<String> api = List.of(elements).subList(2, elements.length);
            for (String element : api) {
                if (!RESOURCE.matcher(element).matches() || element.contains("..")) {
                    return new BadRequest("invalid path element '" + element + "'");
                }
            }
            Map<String, String> query = new HashMap<>();
            for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
                if (parameter.getValue().size() != 1) {
                    return new BadRequest("query parameter " + parameter.getKey() + " given more than once");
                }
                query.put(parameter.getKey(), parameter.getValue().get(0));
            }
            return new Api(api, query);
        }
        if (elements.length == 2 && elements[0].equals("assets")) {
            return RESOURCE.matcher(elements[1]).matches() && !elements[1].contains("..")
                    ? new Asset(elements[1]) : new BadRequest("invalid asset name");
        }
        if (elements.length < 3 || elements.length > 4 || !elements[0].equals("live")) {
            return new NotFound();
        }
        for (int i = 1; i < elements.length; i++) {
            boolean valid = i == elements.length - 1
                    ? RESOURCE.matcher(elements[i]).matches() && !elements[i].contains("..")
                    : StreamPath.isValidName(elements[i]);
            if (!valid) {
                return new BadRequest("invalid path element '" + elements[i] + "'");
            }
        }
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (parameter.getValue().size() != 1) {
                return new BadRequest("query parameter " + parameter.getKey() + " given more than once");
            }
            query.put(parameter.getKey(), parameter.getValue().get(0));
        }
        String rendition = elements.length == 4 ? elements[2] : null;
        return new Media(new OriginRequest(elements[1], rendition, elements[elements.length - 1], query), token);
    }
}
