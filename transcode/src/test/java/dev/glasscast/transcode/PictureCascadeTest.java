package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/**
 * {@link PictureCascade}: every size from the nearest larger picture, the source's own size
 * without scaling, and pictures that keep what the source shows.
 */
class PictureCascadeTest {

    private static final PictureCascade.Size P720 = new PictureCascade.Size(1280, 720);
    private static final PictureCascade.Size P480 = new PictureCascade.Size(854, 480);
    private static final PictureCascade.Size P360 = new PictureCascade.Size(640, 360);

    @Test
    void eachSizeIsScaledFromTheNearestLargerPicture() {
        AVFrame source = gradient(1920, 1080);
        try (PictureCascade cascade = new PictureCascade()) {
            Map<PictureCascade.Size, AVFrame> pictures = cascade.scale(source, List.of(P360, P720, P480, P360));
            try {
                assertEquals(List.of(P720, P480, P360), List.copyOf(pictures.keySet()), "one picture per size, largest first");
                for (Map.Entry<PictureCascade.Size, AVFrame> entry : pictures.entrySet()) {
                    AVFrame picture = entry.getValue();
                    assertEquals(entry.getKey(), new PictureCascade.Size(picture.width(), picture.height()));
                    assertEquals(AV_PIX_FMT_YUV420P, picture.format());
                    assertGradient(picture);
                }
                assertEquals(List.of("1280x720>854x480", "1920x1080>1280x720", "854x480>640x360"), cascade.conversions(),
                        "480p from 720p and 360p from 480p, not every size from the 1080p source");
            } finally {
                PictureCascade.release(pictures);
            }
        } finally {
            av_frame_free(source);
        }
    }

    @Test
    void theSourcesOwnSizeIsTheSourceItselfAndALargerSizeIsScaledUpFromIt() {
        AVFrame source = gradient(854, 480);
        try (PictureCascade cascade = new PictureCascade()) {
            Map<PictureCascade.Size, AVFrame> pictures = cascade.scale(source, List.of(P720, P480, P360));
            try {
                assertEquals(source.data(0).address(), pictures.get(P480).data(0).address(),
                        "the 480p rung of a 480p source shares the decoded picture");
                assertEquals(List.of("854x480>1280x720", "854x480>640x360"), cascade.conversions());
                assertGradient(pictures.get(P720));
            } finally {
                PictureCascade.release(pictures);
            }
        } finally {
            av_frame_free(source);
        }
    }

    @Test
    void aTenBitSourceOfTheRungsSizeIsConvertedToEightBit() {
        AVFrame source = av_frame_alloc();
        source.format(AV_PIX_FMT_YUV420P10LE).width(640).height(360);
        av_frame_get_buffer(source, 0);
        try (PictureCascade cascade = new PictureCascade()) {
            Map<PictureCascade.Size, AVFrame> pictures = cascade.scale(source, List.of(P360));
            try {
                assertEquals(AV_PIX_FMT_YUV420P, pictures.get(P360).format());
                assertEquals(List.of("640x360>640x360"), cascade.conversions());
            } finally {
                PictureCascade.release(pictures);
            }
        } finally {
            av_frame_free(source);
        }
    }

    /** Luma rising from 16 at the left edge to 235 at the right, grey chroma. */
    private static AVFrame gradient(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        av_frame_get_buffer(frame, 0);
        byte[] row = new byte[width];
        for (int x = 0; x < width; x++) {
            row[x] = (byte) (16 + 219 * x / (width - 1));
        }
        BytePointer luma = frame.data(0);
        for (int y = 0; y < height; y++) {
            luma.position((long) y * frame.linesize(0)).put(row, 0, width);
        }
        luma.position(0);
        for (int plane = 1; plane < 3; plane++) {
            byte[] grey = new byte[frame.linesize(plane) * (height / 2)];
            java.util.Arrays.fill(grey, (byte) 128);
            frame.data(plane).put(grey, 0, grey.length).position(0);
        }
        return frame;
    }

    /** The gradient survived scaling: luma at a quarter, half and three quarters of the width. */
    private static void assertGradient(AVFrame picture) {
        BytePointer luma = picture.data(0);
        long middleRow = (long) (picture.height() / 2) * picture.linesize(0);
        for (double at : new double[] {0.25, 0.5, 0.75}) {
            int x = (int) (at * (picture.width() - 1));
            int expected = (int) Math.round(16 + 219 * at);
            int actual = luma.get(middleRow + x) & 0xff;
            assertTrue(Math.abs(actual - expected) <= 3, picture.width() + "x" + picture.height() + " at " + at
                    + ": luma " + actual + ", expected about " + expected);
        }
    }
}
