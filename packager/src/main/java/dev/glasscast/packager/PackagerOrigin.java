package dev.glasscast.packager;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packager's one origin for delivery: a plain router that sends each request to the origin
 * that owns its name, knowing none of the formats (each says which names are its own):
 * {@code manifest.mpd} to DASH, the CMAF objects ({@code init{N}.mp4}, {@code seg{N}.m4s},
 * {@code part{N}.{I}.m4s}, which HLS and DASH share) to the CMAF object origin, everything else
 * (playlists, MPEG-TS segments, and names nobody serves, which get 400) to HLS.
 *
 * <p>A render that fails, at once or later, is answered with 500 here, so a bug in one format
 * never leaves a request without an answer.
 */
public final class PackagerOrigin implements MediaOrigin {

    private static final Logger log = LoggerFactory.getLogger(PackagerOrigin.class);

    private final MediaOrigin hls;
    private final NamedObjectsOrigin dash;
    private final NamedObjectsOrigin cmafObjects;

    public PackagerOrigin(MediaOrigin hls, NamedObjectsOrigin dash, NamedObjectsOrigin cmafObjects) {
        this.hls = hls;
        this.dash = dash;
        this.cmafObjects = cmafObjects;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        try {
            return ownerOf(request).render(request).exceptionally(failure -> internalError(request, failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(request, e));
        }
    }

    private MediaOrigin ownerOf(OriginRequest request) {
        if (dash.serves(request)) {
            return dash;
        }
        return cmafObjects.serves(request) ? cmafObjects : hls;
    }

    private static OriginResponse internalError(OriginRequest request, Throwable failure) {
        log.error("failed to render {}", request.cacheKey(), failure);
        return OriginResponse.text(500, CacheKind.NO_STORE, OriginResponse.TEXT, "internal error\n", null);
    }
}
