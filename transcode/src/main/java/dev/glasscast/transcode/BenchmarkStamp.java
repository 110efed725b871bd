package dev.glasscast.transcode;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Reads the wall clock that {@code bench/latency/run.sh} has its publisher draw into every
 * picture just before encoding: epoch milliseconds mod 2^24 as 24 blocks (bit {@code i} white
 * when set), 30x30 pixels at x = 24 + 36 i, y = 24, of a 960x540 picture. The latency probe
 * reads it from each decoded source picture, so that a frame a player shows (stamp) can be tied
 * to the source PTS every other mark uses.
 */
final class BenchmarkStamp {

    /** The benchmark's picture width; other pictures carry no stamp. */
    static final int WIDTH = 960;
    static final int BITS = 24;

    private BenchmarkStamp() {
    }

    /**
     * @param frame a decoded picture (planar YUV: plane 0 is luma); borrowed, only read
     * @return the stamp, or 0 if the picture is not the benchmark's size
     */
    static long read(AVFrame frame) {
        if (frame.width() != WIDTH) {
            return 0;
        }
        BytePointer luma = frame.data(0);
        long stride = frame.linesize(0);
        long stamp = 0;
        for (int bit = 0; bit < BITS; bit++) {
            // The centre of block i: x = 24 + 36 i + 15, y = 24 + 15.
            if ((luma.get(39 * stride + 39 + 36L * bit) & 0xFF) > 128) {
                stamp |= 1L << bit;
            }
        }
        return stamp;
    }
}
