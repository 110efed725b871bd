package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/** The stamp bench/latency/run.sh draws (24 blocks on a black strip) reads back as drawn. */
class BenchmarkStampTest {

    @Test
    void readsTheBlocksOfTheBenchmarksPictureAsBits() {
        long stamp = 0xA5_3C_96L; // bits set and clear all along, both ends set
        AVFrame frame = picture(BenchmarkStamp.WIDTH, 540);
        try {
            drawStamp(frame, stamp);
            assertEquals(stamp, BenchmarkStamp.read(frame));
        } finally {
            av_frame_free(frame);
        }
    }

    @Test
    void aPictureOfAnotherSizeCarriesNoStamp() {
        AVFrame frame = picture(640, 360);
        try {
            drawStamp(frame, 0xFF_FF_FFL);
            assertEquals(0, BenchmarkStamp.read(frame));
        } finally {
            av_frame_free(frame);
        }
    }

    private static AVFrame picture(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.width(width).height(height).format(AV_PIX_FMT_YUV420P);
        TranscodeException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        BytePointer luma = frame.data(0);
        for (long i = 0; i < (long) frame.linesize(0) * height; i++) {
            luma.put(i, (byte) 16);
        }
        return frame;
    }

    /** As run.sh's drawbox filters do: block i, 30x30 at x = 24 + 36 i, y = 24, white when bit i is set. */
    private static void drawStamp(AVFrame frame, long stamp) {
        BytePointer luma = frame.data(0);
        int stride = frame.linesize(0);
        for (int bit = 0; bit < BenchmarkStamp.BITS; bit++) {
            if ((stamp & (1L << bit)) == 0) {
                continue;
            }
            int left = 24 + 36 * bit;
            for (int y = 24; y < 54; y++) {
                for (int x = left; x < Math.min(left + 30, frame.width()); x++) {
                    luma.put((long) y * stride + x, (byte) 235);
                }
            }
        }
    }
}
