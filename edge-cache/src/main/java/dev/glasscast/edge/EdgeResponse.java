package dev.glasscast.edge;

import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.CountedByBody;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.util.Objects;

/**
 * One object handed out by the {@link EdgeCache}: its metadata plus a view of the cached bytes.
 *
 * <p>Buffer ownership: {@code body} is a {@link ByteBuf#retainedDuplicate()} of the cached body
 * (no bytes are copied) that belongs to the receiver, who releases it exactly once: by releasing
 * this response, by writing the body to a channel, or by passing it on through
 * {@link #toOriginResponse()}. For a 206, write {@code body().retainedSlice(first, length)} and
 * release this response; for a 304 or a HEAD, just release it.
 *
 * @param metadata ETag, Last-Modified, size, status, type and kind, computed once at insertion
 * @param outcome  hit, stale, miss or coalesced wait
 * @param body     the bytes; owned by the receiver
 */
public record EdgeResponse(ObjectMetadata metadata, CacheOutcome outcome, ByteBuf body) implements CountedByBody {

    public EdgeResponse {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(body, "body");
    }

    public int status() {
        return metadata.status();
    }

    public String contentType() {
        return metadata.contentType();
    }

    public CacheKind cacheKind() {
        return metadata.cacheKind();
    }

    public String etag() {
        return metadata.etag();
    }

    /** May be null: the origin did not say. */
    public Instant lastModified() {
        return metadata.lastModified();
    }

    public int length() {
        return metadata.length();
    }

    /**
     * This response as the packager's type, for callers that only know {@code MediaOrigin}.
     * Ownership of the body moves to the returned response: release that one, not this one.
     */
    public OriginResponse toOriginResponse() {
        return new OriginResponse(metadata.status(), metadata.contentType(), metadata.cacheKind(),
                metadata.lastModified(), body, metadata.file());
    }
}
