package dev.glasscast.packager.cmaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.TestOrigins;
import dev.glasscast.packager.hls.Snapshots;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class CmafObjectOriginTest {

    private final RenditionSnapshot video = Snapshots.rendition("source", Snapshots.VIDEO_720, 4,
            new double[] {2, 2}, new int[] {1000, 1200}, false);

    private final MediaOrigin origin = TestOrigins.over(TestOrigins.fixed("cam", video));

    private OriginResponse render(String resource) throws Exception {
        return origin.render(OriginRequest.of("cam", "source", resource)).toCompletableFuture().get();
    }

    @Test
    void initAndSegmentsAreTheStoredBytesWithoutCopies() throws Exception {
        OriginResponse init = render("init4.mp4");
        OriginResponse segment = render("seg5.m4s");
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

    @Test
    void aPartOfAClosedSegmentIsServedAtOnce() throws Exception {
        OriginResponse part = render("part5.0.m4s");
        try {
            assertEquals(200, part.status());
            assertEquals(OriginResponse.M4S, part.contentType());
            assertEquals(CacheKind.IMMUTABLE_MEDIA, part.cacheKind());
        } finally {
            part.release();
        }
    }
}
