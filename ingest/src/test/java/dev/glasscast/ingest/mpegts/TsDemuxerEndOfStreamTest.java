package dev.glasscast.ingest.mpegts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that ends in the middle of its last video PES, as an SRT publish does when libsrt
 * drops what it had not yet sent at close: the cut frame must not come out as an access unit.
 */
class TsDemuxerEndOfStreamTest {

    private static final int PACKET = 188;

    static byte[] sample;

    @BeforeAll
    static void encodeSample(@TempDir Path dir) throws Exception {
        sample = Files.readAllBytes(TsSamples.encode(dir.resolve("sample.ts"), 640, 360, 25, 2));
    }

    @Test
    void discardUnfinishedDropsAVideoFrameCutShortAndKeepsEveryWholeOne() {
        TsDemuxerTest.Collector whole = demux(sample, false);
        int videoPid = whole.track(Codec.H264).trackId();
        List<AccessUnit> allFrames = whole.units(whole.track(Codec.H264));

        byte[] cut = cutInsideLastPes(sample, videoPid);
        TsDemuxerTest.Collector ended = demux(cut, true);
        List<AccessUnit> frames = ended.units(ended.track(Codec.H264));
        assertEquals(allFrames.size() - 1, frames.size(), "every frame but the cut one");
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(allFrames.get(i).data(), frames.get(i).data(), "frame " + i);
            assertEquals(allFrames.get(i).pts(), frames.get(i).pts(), "frame " + i);
        }

        // What flush() would have done: hand on the cut frame, a decoder's "error while decoding MB".
        TsDemuxerTest.Collector flushed = demux(cut, false);
        List<AccessUnit> flushedFrames = flushed.units(flushed.track(Codec.H264));
        assertEquals(allFrames.size(), flushedFrames.size());
        assertTrue(flushedFrames.getLast().data().length < allFrames.getLast().data().length,
                "flush hands on the cut frame");
    }

    @Test
    void discardUnfinishedKeepsEverythingWhenTheLastPesIsProvedWholeByTheNext() {
        TsDemuxerTest.Collector whole = demux(sample, false);
        TsDemuxerTest.Collector ended = demux(sample, true);
        // Only the last video frame was unproven; audio PES carry their length and end on time.
        assertEquals(whole.units(whole.track(Codec.H264)).size() - 1, ended.units(ended.track(Codec.H264)).size());
        assertEquals(whole.units(whole.track(Codec.AAC)).size(), ended.units(ended.track(Codec.AAC)).size());
    }

    private static TsDemuxerTest.Collector demux(byte[] ts, boolean endUnverified) {
        TsDemuxerTest.Collector out = new TsDemuxerTest.Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        for (int i = 0; i < ts.length; i += 1316) {
            demuxer.feed(ts, i, Math.min(1316, ts.length - i));
        }
        if (endUnverified) {
            demuxer.discardUnfinished();
        } else {
            demuxer.flush();
        }
        return out;
    }

    /** The stream up to two packets into the last video PES (the sender's close lost the rest). */
    private static byte[] cutInsideLastPes(byte[] ts, int videoPid) {
        int lastStart = -1;
        int videoPacketsAfter = 0;
        for (int at = 0; at + PACKET <= ts.length; at += PACKET) {
            assertEquals(0x47, ts[at] & 0xFF, "sync byte at " + at);
            int pid = ((ts[at + 1] & 0x1F) << 8) | (ts[at + 2] & 0xFF);
            boolean unitStart = (ts[at + 1] & 0x40) != 0;
            if (pid == videoPid && unitStart) {
                lastStart = at;
                videoPacketsAfter = 0;
            } else if (pid == videoPid) {
                videoPacketsAfter++;
            }
        }
        assertTrue(lastStart >= 0 && videoPacketsAfter > 2, "the last frame spans more than 3 packets");
        int end = lastStart + PACKET;
        for (int taken = 0; taken < 2; end += PACKET) {
            int pid = ((ts[end + 1] & 0x1F) << 8) | (ts[end + 2] & 0xFF);
            if (pid == videoPid) {
                taken++;
            }
        }
        return java.util.Arrays.copyOf(ts, end);
    }
}
