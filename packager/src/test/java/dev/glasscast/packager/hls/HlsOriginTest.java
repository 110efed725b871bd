package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.TestOrigins;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SnapshotWaiters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HlsOriginTest {

    private final RenditionSnapshot video = Snapshots.rendition("source", Snapshots.VIDEO_720, 4,
            new double[] {2, 2}, new int[] {1000, 1200}, false);
    private final RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 4,
            new double[] {2, 2}, new int[] {100, 100}, true);
    private final RenditionSnapshot fresh = Snapshots.empty("fresh", Snapshots.VIDEO_720);

    private final MediaOrigin origin = TestOrigins.over(TestOrigins.fixed("cam", audio, fresh, video));

    private OriginResponse render(String stream, String rendition, String resource) throws Exception {
        return origin.render(new OriginRequest(stream, rendition, resource, Map.of())).toCompletableFuture().get();
    }

    @Test
    void multivariantPlaylistIsLiveWhileAnyRenditionIs() throws Exception {
        OriginResponse response = render("cam", null, "index.m3u8");
        try {
            assertEquals(200, response.status());
            assertEquals(OriginResponse.M3U8, response.contentType());
            assertEquals(CacheKind.LIVE_MANIFEST, response.cacheKind());
            String text = response.body().toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("\nsource/index.m3u8\n"), text);
            assertTrue(!text.contains("fresh/"), "a video rendition of unknown bitrate is left out: " + text);
        } finally {
            response.release();
        }
    }

    @Test
    void mediaPlaylistsAreLiveOrVod() throws Exception {
        OriginResponse live = render("cam", "source", "index.m3u8");
        OriginResponse ended = render("cam", "audio", "index.m3u8");
        try {
            assertEquals(CacheKind.LIVE_MANIFEST, live.cacheKind());
            assertEquals(CacheKind.VOD_MANIFEST, ended.cacheKind());
            assertEquals(video.updatedAt(), live.lastModified());
            assertTrue(ended.body().toString(StandardCharsets.UTF_8).endsWith("#EXT-X-ENDLIST\n"));
        } finally {
            live.release();
            ended.release();
        }
    }

    /**
     * The multivariant playlist lists a rung before its encoder has cut a segment (a stream
     * starting): its playlist request waits for that segment instead of answering 404, which
     * hls.js reports as a levelLoadError before it retries.
     */
    @Test
    void aRenditionsPlaylistWaitsForItsFirstSegment() throws Exception {
        AtomicReference<RenditionSnapshot> now = new AtomicReference<>(fresh);
        RenditionLookup store = new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath path) {
                return Optional.of(now.get()).filter(r -> r.path().equals(path));
            }

            @Override
            public List<RenditionSnapshot> renditions(String stream) {
                return List.of(now.get());
            }
        };
        SnapshotWaiters waiters = TestOrigins.waiters();
        MediaOrigin starting = TestOrigins.over(store, Clock.systemUTC(), Runnable::run, waiters);
        CompletableFuture<OriginResponse> answer = starting.render(
                new OriginRequest("cam", "fresh", "index.m3u8", Map.of())).toCompletableFuture();
        Thread.sleep(300);
        assertFalse(answer.isDone(), "answered before the first segment: " + (answer.isDone() ? answer.get().status() : ""));

        RenditionSnapshot cut = Snapshots.rendition("fresh", Snapshots.VIDEO_720, 0, new double[] {2},
                new int[] {1000}, false);
        now.set(cut);
        waiters.published(cut);
        OriginResponse response = answer.get(5, TimeUnit.SECONDS);
        try {
            assertEquals(200, response.status());
            String text = response.body().toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("seg0.m4s"), text);
        } finally {
            response.release();
        }
    }
}
