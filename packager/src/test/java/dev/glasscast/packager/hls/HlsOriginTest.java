package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HlsOriginTest {

    private final RenditionSnapshot video = Snapshots.rendition("source", Snapshots.VIDEO_720, 4,
            new double[] {2, 2}, new int[] {1000, 1200}, false);
    private final RenditionSnapshot audio = Snapshots.rendition("audio", Snapshots.AUDIO, 4,
            new double[] {2, 2}, new int[] {100, 100}, true);
    private final RenditionSnapshot fresh = Snapshots.empty("fresh", Snapshots.VIDEO_720);

    private final RenditionLookup lookup = new RenditionLookup() {
        private final Map<StreamPath, RenditionSnapshot> all = Map.of(
                video.path(), video, audio.path(), audio, fresh.path(), fresh);

        @Override
        public Optional<RenditionSnapshot> find(StreamPath rendition) {
            return Optional.ofNullable(all.get(rendition));
        }

        @Override
        public List<RenditionSnapshot> renditions(String stream) {
            return stream.equals("cam") ? List.of(audio, fresh, video) : List.of();
        }
    };

    private final HlsOrigin origin = new HlsOrigin(lookup, 6, PooledByteBufAllocator.DEFAULT);

    private OriginResponse render(String stream, String rendition, String resource) throws Exception {
        return origin.render(new OriginRequest(stream, rendition, resource, Map.of())).toCompletableFuture().get();
    }

    private void assertStatus(int status, String stream, String rendition, String resource) throws Exception {
        OriginResponse response = render(stream, rendition, resource);
        try {
            assertEquals(status, response.status(), stream + "/" + rendition + "/" + resource);
            assertEquals(status == 404 ? CacheKind.NOT_FOUND : CacheKind.NO_STORE, response.cacheKind());
        } finally {
            response.release();
        }
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "cam, source, foo.txt", "cam, source, seg01.m4s", "cam, source, seg-1.m4s", "cam, source, seg.m4s",
            "cam, source, seg1234567890123456789.m4s", "cam, source, INDEX.M3U8", "cam, source, ../index.m3u8",
            "cam, null, seg1.m4s.tmp", "ca/m, null, index.m3u8", "cam, so urce, index.m3u8", "'', null, index.m3u8"})
    void malformedNamesAreBadRequests(String stream, String rendition, String resource) throws Exception {
        assertStatus(400, stream, rendition, resource);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "other, null, index.m3u8", "other, source, index.m3u8", "cam, nope, init4.mp4", "cam, null, init4.mp4",
            "cam, null, seg4.m4s", "cam, source, seg3.m4s", "cam, source, seg6.m4s", "cam, fresh, index.m3u8",
            "cam, fresh, seg0.m4s"})
    void missingThingsAreNotFound(String stream, String rendition, String resource) throws Exception {
        assertStatus(404, stream, rendition, resource);
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

    @Test
    void initAndSegmentsAreTheStoredBytesWithoutCopies() throws Exception {
        OriginResponse init = render("cam", "source", "init4.mp4");
        OriginResponse segment = render("cam", "source", "seg5.m4s");
        try {
            assertEquals(OriginResponse.MP4, init.contentType());
            assertEquals(CacheKind.IMMUTABLE_MEDIA, init.cacheKind());
            assertEquals(700, init.body().readableBytes());

            assertEquals(OriginResponse.M4S, segment.contentType());
            assertEquals(CacheKind.IMMUTABLE_MEDIA, segment.cacheKind());
            MediaSegment stored = video.segment(5);
            assertEquals(stored.createdAt(), segment.lastModified());
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (SegmentPart part : stored.parts()) {
                var slice = part.bytes().retainedSlice();
                expected.write(ByteBufUtil.getBytes(slice));
                slice.release();
            }
            assertArrayEquals(expected.toByteArray(), ByteBufUtil.getBytes(segment.body()));
            assertTrue(segment.body().isReadOnly(), "nobody downstream can scribble on the store");
        } finally {
            init.release();
            segment.release();
        }
        assertTrue(video.segment(5).parts().getFirst().bytes().isLive(), "releasing a response leaves the store's copy");
    }
}
