package dev.glasscast.packager;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A rendered object.
 *
 * <p>Buffer ownership: {@code body} belongs to whoever receives the response and must be
 * released exactly once by it (after writing it to a channel, Netty does that). Media bodies are
 * usually retained slices of the store's buffers, so serving them copies no bytes.
 *
 * @param status       HTTP status code
 * @param contentType  MIME type of the body
 * @param cacheKind    how long the object stays valid
 * @param lastModified when the object came into being (for {@code Last-Modified}); may be null
 * @param body         the bytes; owned by the receiver
 * @param file         where the same bytes lie on disk, or null when they are only in {@code body}
 */
public record OriginResponse(int status, String contentType, CacheKind cacheKind, Instant lastModified, ByteBuf body,
                             FileSpan file) implements CountedByBody {

    /** A response whose bytes are only in {@code body}. */
    public OriginResponse(int status, String contentType, CacheKind cacheKind, Instant lastModified, ByteBuf body) {
        this(status, contentType, cacheKind, lastModified, body, null);
    }

    public static final String M3U8 = "application/vnd.apple.mpegurl";
    public static final String MP4 = "video/mp4";
    public static final String M4S = "video/iso.segment";
    public static final String TEXT = "text/plain; charset=utf-8";

    public static OriginResponse text(int status, CacheKind kind, String contentType, String text, Instant lastModified) {
        return new OriginResponse(status, contentType, kind, lastModified,
                Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static OriginResponse notFound(String why) {
        return text(404, CacheKind.NOT_FOUND, TEXT, why + "\n", null);
    }

    public static OriginResponse badRequest(String why) {
        return text(400, CacheKind.NO_STORE, TEXT, why + "\n", null);
    }
}
