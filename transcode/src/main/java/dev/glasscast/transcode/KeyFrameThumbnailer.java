package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A still picture of one key frame, as a JPEG: the dashboard's thumbnails. It decodes with the
 * ladder's own {@link VideoDecoder}, so every codec the ladder decodes (H.264, H.265, AV1 through
 * libdav1d or libaom) gives a thumbnail, and there is one place in the daemon that picks decoders.
 *
 * <p>Each call opens a decoder of its own, decodes the key frame alone (an IDR, or an AV1 key
 * frame, needs no other picture), scales it to at most {@code maxWidth} and frees every native
 * resource before it returns: any thread may call it, but it blocks for a few milliseconds, so
 * never from an event loop.
 */
public final class KeyFrameThumbnailer {

    private final int maxWidth;

    /** @param maxWidth widest picture made; wider key frames are scaled down, keeping their shape */
    public KeyFrameThumbnailer(int maxWidth) {
        if (maxWidth < 2) {
            throw new IllegalArgumentException("maxWidth " + maxWidth + " < 2");
        }
        this.maxWidth = maxWidth;
    }

    /**
     * @param track    the key frame's track; its codecConfig is the decoder's extradata
     * @param keyFrame one key frame of {@code track}
     * @return the JPEG, or empty if the decoder rejects the unit or gives no picture for it
     * @throws TranscodeException if this FFmpeg build cannot decode the track's codec at all
     */
    public Optional<byte[]> jpeg(TrackInfo track, AccessUnit keyFrame) {
        BufferedImage[] picture = new BufferedImage[1];
        try (VideoDecoder decoder = new VideoDecoder(track, 1)) {
            if (!decoder.decode(keyFrame, frame -> picture[0] = scaled(frame))) {
                return Optional.empty();
            }
            if (picture[0] == null) {
                // Decoders hold a picture back until told that no more units come.
                decoder.drain(frame -> picture[0] = scaled(frame));
            }
        }
        return picture[0] == null ? Optional.empty() : Optional.of(encodeJpeg(picture[0]));
    }

    /** The decoded picture (borrowed, read only), at most {@code maxWidth} wide, as BGR pixels. */
    private BufferedImage scaled(AVFrame frame) {
        int width = frame.width();
        int height = frame.height();
        int outWidth = Math.min(width, maxWidth) & ~1;
        int outHeight = Math.max(2, (int) Math.round((double) height * outWidth / width) & ~1);
        SwsContext scaler = sws_getContext(width, height, frame.format(), outWidth, outHeight, AV_PIX_FMT_BGR24,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null) {
            throw new TranscodeException("sws_getContext failed for " + width + "x" + height + " format "
                    + frame.format());
        }
        BufferedImage image = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        // libswscale writes with SIMD: rows aligned to 64 bytes, room past the end, and all
        // four plane pointers and strides present even for one packed plane.
        int stride = (outWidth * 3 + 63) & ~63;
        long size = (long) stride * outHeight + 64;
        BytePointer out = new BytePointer(av_malloc(size)).capacity(size);
        try (PointerPointer<BytePointer> planes = new PointerPointer<>(out, null, null, null);
             IntPointer strides = new IntPointer(stride, 0, 0, 0)) {
            sws_scale(scaler, frame.data(), frame.linesize(), 0, height, planes, strides);
            for (int row = 0; row < outHeight; row++) {
                out.position((long) row * stride).get(pixels, row * outWidth * 3, outWidth * 3);
            }
        } finally {
            av_free(out.position(0));
            sws_freeContext(scaler);
        }
        return image;
    }

    private static byte[] encodeJpeg(BufferedImage image) {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", jpeg);
        } catch (IOException e) {
            // Into memory: only a missing JPEG writer fails here.
            throw new UncheckedIOException(e);
        }
        return jpeg.toByteArray();
    }
}
