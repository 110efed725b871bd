package dev.glasscast.packager.cmaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.DiskReads;
import dev.glasscast.packager.SegmentStreaming.PartSink;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.SnapshotWaiters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * A segment streamed while it is written (LL-DASH) ends complete only with every byte of the
     * closed segment: when what closes it no longer has the parts still to send (a recording
     * keeps a segment as one part), the body is cut short and must not pass for the segment,
     * which clients and caches would keep as final.
     */
    @Test
    void aStreamedSegmentEndsCompleteOnlyWithAllOfTheClosedSegmentsBytes() throws Exception {
        MediaSegment first = video.segment(4);
        MediaSegment written = video.segment(5);
        RenditionSnapshot open = new RenditionSnapshot(video.path(), video.track(), video.format(), video.init(),
                List.of(first), List.of(written.parts().getFirst()), video.maxSegmentDuration(), false,
                video.updatedAt(), 5, video.inits());
        SegmentPart whole = new SegmentPart(written.startTime(), written.duration(), true,
                Snapshots.bytes((int) written.size(), 9));
        RenditionSnapshot closedAsOnePart = new RenditionSnapshot(video.path(), video.track(), video.format(),
                video.init(), List.of(first, new MediaSegment(5, 0, false, written.startTime(), written.duration(),
                        written.timescale(), written.programDateTime(), List.of(whole), written.createdAt())),
                List.of(), video.maxSegmentDuration(), false, video.updatedAt(), 6, video.inits());
        AtomicReference<RenditionSnapshot> current = new AtomicReference<>(open);
        RenditionLookup store = new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath rendition) {
                return Optional.of(current.get()).filter(r -> r.path().equals(rendition));
            }

            @Override
            public List<RenditionSnapshot> renditions(String stream) {
                return List.of(current.get());
            }
        };
        SnapshotWaiters waiters = TestOrigins.waiters();
        CmafObjectOrigin origin = new CmafObjectOrigin(store, waiters, PooledByteBufAllocator.DEFAULT,
                new DiskReads(Runnable::run), RecordedSegmentFiles.NONE);
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Boolean> ended = new CompletableFuture<>();
        boolean streaming = origin.streamIfOpen(OriginRequest.of("cam", "source", "seg5.m4s"), new PartSink() {
            @Override
            public void part(ByteBuf part) {
                sent.addAndGet(part.readableBytes());
                part.release();
            }

            @Override
            public void end(boolean complete) {
                ended.complete(complete);
            }
        });
        assertTrue(streaming);
        assertEquals(written.parts().getFirst().size(), sent.get(), "the part cut so far, at once");
        current.set(closedAsOnePart);
        waiters.published(closedAsOnePart);
        assertFalse(ended.get(10, TimeUnit.SECONDS), "a body short of the closed segment is not the segment");
    }
}
