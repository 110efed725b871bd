package dev.glasscast.packager;

import dev.glasscast.media.StreamPath;
import java.util.Map;

/**
 * One request for a packaged object, already split out of the URL
 * {@code /live/{stream}[/{rendition}]/{resource}?{query}} by the HTTP layer.
 *
 * @param stream    stream name
 * @param rendition rendition name, or null for stream-level resources (the multivariant playlist)
 * @param resource  the last path element, e.g. {@code index.m3u8}, {@code init.mp4}, {@code seg12.m4s}
 * @param query     decoded query parameters (e.g. {@code _HLS_msn}); never null
 */
public record OriginRequest(String stream, String rendition, String resource, Map<String, String> query) {

    public OriginRequest {
        query = Map.copyOf(query);
    }

    public static OriginRequest of(String stream, String rendition, String resource) {
        return new OriginRequest(stream, rendition, resource, Map.of());
    }

    /**
     * Why the stream or rendition name can never name anything (the origins answer 400), or null
     * when both can.
     */
    public String invalidNameReason() {
        if (!StreamPath.isValidName(stream)) {
            return "invalid stream name";
        }
        if (rendition != null && !StreamPath.isValidName(rendition)) {
            return "invalid rendition name";
        }
        return null;
    }

    /** A key that identifies the object this request asks for, for caches and logs. */
    public String cacheKey() {
        StringBuilder key = new StringBuilder(stream).append('/');
        if (rendition != null) {
            key.append(rendition).append('/');
        }
        key.append(resource);
        if (!query.isEmpty()) {
            key.append('?');
            query.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> key.append(e.getKey()).append('=').append(e.getValue()).append('&'));
            key.setLength(key.length() - 1);
        }
        return key.toString();
    }
}
