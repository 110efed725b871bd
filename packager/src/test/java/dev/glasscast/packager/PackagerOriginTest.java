package dev.glasscast.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names reach the origin that owns them; what nobody can serve is a 400, what is missing a 404. */
class PackagerOriginTest {

    private final RenditionSnapshot video = Snapshots.rendition("source", Snapshots.VIDEO_720, 4,
            new double[] {2, 2}, new int[] {1000, 1200}, false);
    private final RenditionSnapshot fresh = Snapshots.empty("fresh", Snapshots.VIDEO_720);

    private final MediaOrigin origin = TestOrigins.over(TestOrigins.fixed("cam", video, fresh));

    private void assertStatus(int status, String stream, String rendition, String resource) throws Exception {
        OriginResponse response = origin.render(new OriginRequest(stream, rendition, resource, Map.of()))
                .toCompletableFuture().get();
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
            "cam, null, seg1.m4s.tmp", "ca/m, null, index.m3u8", "cam, so urce, index.m3u8", "'', null, index.m3u8",
            "ca/m, source, seg5.m4s", "cam, so urce, init4.mp4", "'', null, manifest.mpd"})
    void malformedNamesAreBadRequests(String stream, String rendition, String resource) throws Exception {
        assertStatus(400, stream, rendition, resource);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "other, null, index.m3u8", "other, source, index.m3u8", "cam, nope, init4.mp4", "cam, null, init4.mp4",
            "cam, null, seg4.m4s", "cam, source, seg3.m4s", "cam, source, seg6.m4s", "cam, fresh, seg0.m4s", "other, null, manifest.mpd", "cam, source, part3.0.m4s"})
    void missingThingsAreNotFound(String stream, String rendition, String resource) throws Exception {
        assertStatus(404, stream, rendition, resource);
    }
}
