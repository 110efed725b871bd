package dev.glasscast.packager.hls;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.store.MediaSegment;
import dev.glasscast.packager.store.RenditionLookup;
import dev.glasscast.packager.store.RenditionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves HLS with fMP4 segments from the segment store, rendered on request:
 * <pre>
 * /live/{stream}/index.m3u8              multivariant playlist
 * /live/{stream}/{rendition}/index.m3u8  media playlist
 * /live/{stream}/{rendition}/init.mp4    init segment
 * /live/{stream}/{rendition}/seg{N}.m4s  media segment N
 * </pre>
 * Names that cannot be valid get 400; valid names of things that do not exist (yet) get 404,
 * which players retry. Every render completes at once (blocking playlist reloads come with
 * LL-HLS).
 *
 * <p>Buffer ownership: each response body belongs to the caller. Init and segment bodies are
 * retained read-only slices of the store's buffers (no bytes copied); playlists are fresh
 * heap buffers.
 */
public final class HlsOrigin implements MediaOrigin {

    private static final Logger log = LoggerFactory.getLogger(HlsOrigin.class);

    private final RenditionLookup store;
    private final HlsMultivariantPlaylistRenderer multivariantRenderer = new HlsMultivariantPlaylistRenderer();
    private final HlsMediaPlaylistRenderer mediaRenderer;
    private final ByteBufAllocator allocator;

    /**
     * @param store            where renditions are read
     * @param playlistSegments how many segments a media playlist lists
     * @param allocator        for the composite buffers of multi-part segment bodies
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, ByteBufAllocator allocator) {
        this.store = store;
        this.mediaRenderer = new HlsMediaPlaylistRenderer(playlistSegments);
        this.allocator = allocator;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        try {
            return CompletableFuture.completedFuture(renderNow(request));
        } catch (RuntimeException e) {
            log.error("failed to render {}", request.cacheKey(), e);
            return CompletableFuture.completedFuture(
                    OriginResponse.text(500, CacheKind.NO_STORE, OriginResponse.TEXT, "internal error\n", null));
        }
    }

    private OriginResponse renderNow(OriginRequest request) {
        if (!StreamPath.isValidName(request.stream())) {
            return OriginResponse.badRequest("invalid stream name");
        }
        if (request.rendition() != null && !StreamPath.isValidName(request.rendition())) {
            return OriginResponse.badRequest("invalid rendition name");
        }
        HlsResource resource = HlsResource.parse(request.resource());
        if (resource == null) {
            return OriginResponse.badRequest("unknown HLS resource name");
        }
        if (request.rendition() == null) {
            return resource instanceof HlsResource.Playlist
                    ? multivariantPlaylist(request.stream())
                    : OriginResponse.notFound("no " + request.resource() + " at stream level");
        }
        Optional<RenditionSnapshot> found = store.find(StreamPath.rendition(request.stream(), request.rendition()));
        if (found.isEmpty()) {
            return OriginResponse.notFound("no rendition " + request.stream() + "/" + request.rendition());
        }
        RenditionSnapshot rendition = found.get();
        return switch (resource) {
            case HlsResource.Playlist p -> mediaPlaylist(rendition);
            case HlsResource.Init i -> init(rendition);
            case HlsResource.Segment s -> segment(rendition, s.sequence());
        };
    }

    private OriginResponse multivariantPlaylist(String stream) {
        List<RenditionSnapshot> renditions = store.renditions(stream);
        if (renditions.isEmpty()) {
            return OriginResponse.notFound("no stream " + stream);
        }
        Optional<String> playlist = multivariantRenderer.render(renditions);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("stream " + stream + " has no video yet");
        }
        boolean ended = renditions.stream().allMatch(RenditionSnapshot::ended);
        Instant lastModified = renditions.stream().map(RenditionSnapshot::updatedAt).max(Instant::compareTo).orElse(null);
        return playlist(playlist.get(), ended, lastModified);
    }

    private OriginResponse mediaPlaylist(RenditionSnapshot rendition) {
        Optional<String> playlist = mediaRenderer.render(rendition);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("rendition " + rendition.path() + " has no segment yet");
        }
        return playlist(playlist.get(), rendition.ended(), rendition.updatedAt());
    }

    private static OriginResponse playlist(String text, boolean ended, Instant lastModified) {
        return new OriginResponse(200, OriginResponse.M3U8, ended ? CacheKind.VOD_MANIFEST : CacheKind.LIVE_MANIFEST,
                lastModified, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static OriginResponse init(RenditionSnapshot rendition) {
        ByteBuf body = rendition.init().retainedSlice();
        if (body == null) {
            return OriginResponse.notFound("rendition " + rendition.path() + " is gone");
        }
        return new OriginResponse(200, OriginResponse.MP4, CacheKind.IMMUTABLE_MEDIA, null, body);
    }

    private OriginResponse segment(RenditionSnapshot rendition, long sequence) {
        MediaSegment segment = rendition.segment(sequence);
        if (segment == null) {
            return OriginResponse.notFound("no segment " + sequence + " in " + rendition.path());
        }
        ByteBuf body = segment.retainedBody(allocator);
        if (body == null) {
            return OriginResponse.notFound("segment " + sequence + " of " + rendition.path() + " was evicted");
        }
        return new OriginResponse(200, OriginResponse.M4S, CacheKind.IMMUTABLE_MEDIA, segment.createdAt(), body);
    }
}
