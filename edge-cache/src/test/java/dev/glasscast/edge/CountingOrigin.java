package dev.glasscast.edge;

import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the packager: renders deterministic bytes and counts renders per cache key.
 * The kind follows the resource name: {@code *.m4s}/{@code *.mp4} media, {@code *.m3u8} a live
 * manifest (a VOD manifest for stream {@code vod}), {@code missing*} a 404, {@code bad*} a 400
 * NO_STORE. Media bodies are {@link #MEDIA_SIZE} bytes unless the resource is {@code big*}
 * ({@link #BIG_SIZE}). Each render of the same key gets the next version number, which changes
 * the bytes, so a refreshed manifest is told apart from a stale one.
 *
 * <p>When {@link #holdRenders} is on, renders stay pending until {@link #completeHeld()} or
 * {@link #failHeld}. Every body it makes is kept, unpooled, so tests can assert it was released.
 */
final class CountingOrigin implements MediaOrigin {

    static final int MEDIA_SIZE = 1000;
    static final int BIG_SIZE = 64 * 1024;
    static final Instant LAST_MODIFIED = Instant.parse("2026-11-25T10:00:00Z");

    private final Map<String, AtomicInteger> rendersByKey = new ConcurrentHashMap<>();
    private final AtomicInteger renders = new AtomicInteger();
    private final List<ByteBuf> bodies = new CopyOnWriteArrayList<>();
    private final Queue<Held> held = new ConcurrentLinkedQueue<>();
    volatile boolean holdRenders;
    volatile RuntimeException throwOnRender;
    volatile OriginRequest lastRequest;

    private record Held(OriginRequest request, int version, CompletableFuture<OriginResponse> future) {
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        int version = rendersByKey.computeIfAbsent(request.cacheKey(), k -> new AtomicInteger()).incrementAndGet();
        renders.incrementAndGet();
        lastRequest = request;
        if (throwOnRender != null) {
            throw throwOnRender;
        }
        if (holdRenders) {
            CompletableFuture<OriginResponse> future = new CompletableFuture<>();
            held.add(new Held(request, version, future));
            return future;
        }
        return CompletableFuture.completedFuture(respond(request, version));
    }

    /** Completes every held render; returns how many. */
    int completeHeld() {
        int n = 0;
        for (Held h; (h = held.poll()) != null; n++) {
            h.future().complete(respond(h.request(), h.version()));
        }
        return n;
    }

    int failHeld(RuntimeException failure) {
        int n = 0;
        for (Held h; (h = held.poll()) != null; n++) {
            h.future().completeExceptionally(failure);
        }
        return n;
    }

    int heldCount() {
        return held.size();
    }

    int renders() {
        return renders.get();
    }

    int renders(OriginRequest request) {
        AtomicInteger n = rendersByKey.get(request.cacheKey());
        return n == null ? 0 : n.get();
    }

    /** Every body rendered so far. */
    List<ByteBuf> bodies() {
        return bodies;
    }

    /** Asserts-friendly: how many rendered bodies still hold a reference. */
    long unreleasedBodies() {
        return bodies.stream().filter(b -> b.refCnt() > 0).count();
    }

    static CacheKind kindOf(OriginRequest request) {
        String resource = request.resource();
        if (resource.startsWith("missing")) {
            return CacheKind.NOT_FOUND;
        }
        if (resource.startsWith("bad")) {
            return CacheKind.NO_STORE;
        }
        if (resource.endsWith(".m3u8")) {
            return request.stream().equals("vod") ? CacheKind.VOD_MANIFEST : CacheKind.LIVE_MANIFEST;
        }
        return CacheKind.IMMUTABLE_MEDIA;
    }

    /** The bytes render number {@code version} of {@code request} has. */
    static byte[] expectedBytes(OriginRequest request, int version) {
        CacheKind kind = kindOf(request);
        int size = switch (kind) {
            case IMMUTABLE_MEDIA -> request.resource().startsWith("big") ? BIG_SIZE : MEDIA_SIZE;
            default -> 100;
        };
        byte[] bytes = new byte[size];
        int seed = request.cacheKey().hashCode() * 31 + version;
        for (int i = 0; i < size; i++) {
            seed = seed * 1_103_515_245 + 12_345;
            bytes[i] = (byte) (seed >>> 16);
        }
        return bytes;
    }

    private OriginResponse respond(OriginRequest request, int version) {
        CacheKind kind = kindOf(request);
        ByteBuf body = Unpooled.wrappedBuffer(expectedBytes(request, version));
        bodies.add(body);
        int status = switch (kind) {
            case NOT_FOUND -> 404;
            case NO_STORE -> 400;
            default -> 200;
        };
        String type = request.resource().endsWith(".m3u8") ? OriginResponse.M3U8 : OriginResponse.M4S;
        return new OriginResponse(status, type, kind, LAST_MODIFIED, body);
    }
}
