package dev.glasscast.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The picture itself is decoded in OperatorApiEndToEndTest from a real x264 rung; here, the bookkeeping. */
class KeyFrameThumbnailsTest {

    @Test
    void sourcesAreNotReadAndAStreamWithoutAKeyFrameHasNoPicture() throws Exception {
        StreamHub hub = new StreamHub();
        try (KeyFrameThumbnails thumbnails = new KeyFrameThumbnails()) {
            hub.addListener(thumbnails);
            StreamPublisher source = hub.publish(StreamPath.source("main"));
            assertNull(thumbnails.onPublished(source.stream()));
            assertTrue(thumbnails.jpeg("main").get(5, TimeUnit.SECONDS).isEmpty());
            source.close();
        }
    }

    @Test
    void anUndecodableKeyFrameGivesNoPictureAndNoCrash() throws Exception {
        StreamHub hub = new StreamHub();
        try (KeyFrameThumbnails thumbnails = new KeyFrameThumbnails()) {
            hub.addListener(thumbnails);
            StreamPublisher rung = hub.publish(StreamPath.rendition("main", "240p"));
            rung.tracks(List.of(TrackInfo.video(1, Codec.H264, 90_000, 426, 240, 25, 0, new byte[] {1, 0x64, 0, 0x1e, (byte) 0xff})));
            rung.send(new AccessUnit(1, 0, 0, 3600, true, new byte[] {0, 0, 0, 3, 0x65, 0, 0}));
            LiveStream stream = rung.stream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (stream.unitsIn() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertTrue(thumbnails.jpeg("main").get(10, TimeUnit.SECONDS).isEmpty());
            rung.close();
        }
    }
}
