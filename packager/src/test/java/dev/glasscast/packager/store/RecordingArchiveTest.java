package dev.glasscast.packager.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.hls.Snapshots;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingArchiveTest {

    @TempDir
    Path dir;

    @Test
    void anEndedRenditionReadsBackAsTheSameSegments() throws Exception {
        RenditionSnapshot ended = Snapshots.rendition("source", Snapshots.VIDEO_720, 40,
                new double[] {2, 2.5}, new int[] {300, 200}, true);
        RecordingArchive archive = new RecordingArchive(dir, Runnable::run);
        archive.published(ended);
        assertTrue(Files.isRegularFile(dir.resolve("cam/source/index.txt")));

        RecordingArchive reopened = new RecordingArchive(dir, Runnable::run);
        RenditionSnapshot read = reopened.find(StreamPath.rendition("cam", "source")).orElseThrow();
        assertTrue(read.ended());
        assertEquals(ended.track(), read.track());
        assertEquals(ended.maxSegmentDuration(), read.maxSegmentDuration());
        assertEquals(List.of(40L, 41L), read.segments().stream().map(MediaSegment::sequence).toList());
        assertEquals(40, read.inits().getFirst().firstSequence());
        for (int i = 0; i < 2; i++) {
            MediaSegment original = ended.segments().get(i);
            MediaSegment copy = read.segments().get(i);
            assertEquals(original.startTime(), copy.startTime());
            assertEquals(original.duration(), copy.duration());
            assertEquals(original.programDateTime(), copy.programDateTime());
            assertArrayEquals(bytes(original), bytes(copy));
        }
        assertEquals(1, reopened.renditions("cam").size());
        assertTrue(reopened.renditions("other").isEmpty());
    }

    private static byte[] bytes(MediaSegment segment) {
        ByteBuf body = segment.retainedBody(UnpooledByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
    }
}
