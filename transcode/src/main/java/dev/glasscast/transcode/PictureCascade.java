package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Scales one decoded picture to every rung's size, each size from the smallest picture already
 * made for it that is at least as large (1080p → 720p → 480p → 360p), not every size from the
 * source: the smaller rungs then read a third to a half of the pixels the source has. Runs on
 * the decode thread ({@link VideoFanOut}), so each picture is scaled once per size however many
 * rungs share it, and a rung's own thread only encodes.
 *
 * <p>A size equal to the source's (a 720p rung of a 720p source), when the source is already
 * 8-bit 4:2:0, is the source itself: no scaling at all.
 *
 * <p>Ownership: {@link #scale} returns frames the caller owns and must free
 * ({@link #release}); the source frame is borrowed and never changed. One instance per decode
 * thread; it caches one libswscale context per (source size and format, target size) pair.
 */
final class PictureCascade implements AutoCloseable {

    /** A picture size. */
    record Size(int width, int height) {
        long area() {
            return (long) width * height;
        }

        boolean covers(Size other) {
            return width >= other.width && height >= other.height;
        }
    }

    private record Scaling(int sourceWidth, int sourceHeight, int sourceFormat, int width, int height) {
    }

    // More than a ladder ever needs; a source that keeps changing size would otherwise grow it.
    private static final int MAX_SCALERS = 16;

    private final Map<Scaling, SwsContext> scalers = new HashMap<>();

    /**
     * Makes one picture for each wanted size.
     *
     * @param source the decoded picture; borrowed, read only
     * @param wanted the sizes to make, in any order, duplicates allowed
     * @return a picture per distinct size, each owned by the caller
     * @throws TranscodeException if libswscale cannot convert the source's format
     */
    Map<Size, AVFrame> scale(AVFrame source, Collection<Size> wanted) {
        List<Size> largestFirst = new ArrayList<>(wanted.stream().distinct().toList());
        largestFirst.sort(Comparator.comparingLong(Size::area).reversed());
        Size sourceSize = new Size(source.width(), source.height());
        Map<Size, AVFrame> made = new LinkedHashMap<>();
        try {
            for (Size size : largestFirst) {
                if (size.equals(sourceSize) && source.format() == AV_PIX_FMT_YUV420P) {
                    made.put(size, cloneOf(source));
                    continue;
                }
                made.put(size, scaled(nearestCovering(source, sourceSize, size, made), size));
            }
        } catch (RuntimeException e) {
            release(made);
            throw e;
        }
        return made;
    }

    /** Frees every picture {@link #scale} returned. */
    static void release(Map<Size, AVFrame> pictures) {
        for (AVFrame picture : pictures.values()) {
            av_frame_free(picture);
        }
        pictures.clear();
    }

    /**
     * The smallest picture made so far that covers {@code size}, or the source. An upscaled rung
     * (larger than the source) is made from the source.
     */
    private static AVFrame nearestCovering(AVFrame source, Size sourceSize, Size size, Map<Size, AVFrame> made) {
        AVFrame nearest = source;
        long nearestArea = sourceSize.area();
        for (Map.Entry<Size, AVFrame> entry : made.entrySet()) {
            Size candidate = entry.getKey();
            if (candidate.covers(size) && candidate.area() < nearestArea) {
                nearest = entry.getValue();
                nearestArea = candidate.area();
            }
        }
        return nearest;
    }

    private AVFrame scaled(AVFrame from, Size size) {
        SwsContext scaler = scalerFor(from, size);
        AVFrame picture = av_frame_alloc();
        picture.format(AV_PIX_FMT_YUV420P).width(size.width()).height(size.height());
        try {
            TranscodeException.check(av_frame_get_buffer(picture, 0), "av_frame_get_buffer");
            sws_scale(scaler, from.data(), from.linesize(), 0, from.height(), picture.data(), picture.linesize());
        } catch (RuntimeException e) {
            av_frame_free(picture);
            throw e;
        }
        return picture;
    }

    private SwsContext scalerFor(AVFrame from, Size size) {
        Scaling scaling = new Scaling(from.width(), from.height(), from.format(), size.width(), size.height());
        SwsContext scaler = scalers.get(scaling);
        if (scaler != null) {
            return scaler;
        }
        if (scalers.size() >= MAX_SCALERS) {
            close();
        }
        scaler = sws_getContext(from.width(), from.height(), from.format(), size.width(), size.height(),
                AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null) {
            throw new TranscodeException("sws_getContext failed for " + from.width() + "x" + from.height()
                    + " format " + from.format() + " to " + size.width() + "x" + size.height());
        }
        scalers.put(scaling, scaler);
        return scaler;
    }

    /** The conversions cached, each as {@code "1920x1080>1280x720"}. */
    List<String> conversions() {
        return scalers.keySet().stream()
                .map(s -> s.sourceWidth() + "x" + s.sourceHeight() + ">" + s.width() + "x" + s.height())
                .sorted().toList();
    }

    private static AVFrame cloneOf(AVFrame source) {
        AVFrame reference = av_frame_clone(source);
        if (reference == null) {
            throw new TranscodeException("av_frame_clone: out of memory");
        }
        return reference;
    }

    /** Frees the cached scalers; the instance stays usable. */
    @Override
    public void close() {
        for (SwsContext scaler : scalers.values()) {
            sws_freeContext(scaler);
        }
        scalers.clear();
    }
}
