package dev.glasscast.server.dashboard;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dashboard thumbnails: keeps the latest key frame of every video rendition (a reference to the
 * access unit, no copy) and, when asked, decodes the one of the smallest rendition with
 * libavcodec and encodes a JPEG with ImageIO. Decoding runs on this object's own thread, never
 * on an event loop; a picture is reused for {@link #MAX_AGE_NANOS} so a room full of dashboards
 * costs one decode every few seconds.
 */
public final class KeyFrameThumbnails implements StreamListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyFrameThumbnails.class);

    public static final long MAX_AGE_NANOS = 3_000_000_000L;
    /** Widest thumbnail; larger renditions are scaled down. */
    public static final int MAX_WIDTH = 480;

    private record KeyFrame(TrackInfo track, AccessUnit unit) {
    }

    private record Picture(long madeAt, byte[] jpeg) {
    }

    private final Map<StreamPath, KeyFrame> latest = new ConcurrentHashMap<>();
    private final Map<String, Picture> pictures = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<byte[]>>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("thumbnails").daemon().factory());
    private final LongSupplier nanoTime;

    public KeyFrameThumbnails(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public KeyFrameThumbnails() {
        this(System::nanoTime);
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        StreamPath path = stream.path();
        if (path.isSource()) {
            return null;
        }
        return new StreamReader() {
            private TrackInfo video;

            @Override
            public void onTracks(List<TrackInfo> tracks) {
                video = tracks.stream().filter(TrackInfo::isVideo).findFirst().orElse(null);
            }

            @Override
            public void onAccessUnit(AccessUnit unit) {
                if (video != null && unit.keyFrame() && unit.trackId() == video.trackId()) {
                    latest.put(path, new KeyFrame(video, unit));
                }
            }

            @Override
            public void onUnpublished() {
                latest.remove(path);
            }

            @Override
            public String toString() {
                return "thumbnails of " + path;
            }
        };
    }

    /** A JPEG of {@code stream}'s latest key frame, or empty while no rendition has one. */
    public CompletableFuture<Optional<byte[]>> jpeg(String stream) {
        Picture cached = pictures.get(stream);
        if (cached != null && nanoTime.getAsLong() - cached.madeAt < MAX_AGE_NANOS) {
            return CompletableFuture.completedFuture(Optional.of(cached.jpeg));
        }
        Optional<KeyFrame> smallest = latest.entrySet().stream()
                .filter(e -> e.getKey().stream().equals(stream))
                .map(Map.Entry::getValue)
                .min(Comparator.comparingInt(k -> k.track().height()));
        if (smallest.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return inFlight.computeIfAbsent(stream, s -> CompletableFuture.supplyAsync(() -> {
            try {
                Optional<byte[]> jpeg = decode(smallest.get());
                jpeg.ifPresent(bytes -> pictures.put(stream, new Picture(nanoTime.getAsLong(), bytes)));
                return jpeg;
            } catch (RuntimeException | IOException e) {
                log.warn("thumbnail of {} failed: {}", stream, e.toString());
                return Optional.<byte[]>empty();
            } finally {
                inFlight.remove(stream);
            }
        }, decoder));
    }

    /** Decodes one key frame alone (an IDR needs no other picture) and encodes it as JPEG. */
    static Optional<byte[]> decode(TrackInfo track, AccessUnit unit) throws IOException {
        return decode(new KeyFrame(track, unit));
    }

    private static Optional<byte[]> decode(KeyFrame keyFrame) throws IOException {
        TrackInfo track = keyFrame.track();
        if (track.codec() == Codec.AV1) {
            // No thumbnail rather than an H.264 decoder fed AV1; thumbnails move to transcode/'s decoder next.
            return Optional.empty();
        }
        AVCodec codec = avcodec_find_decoder(track.codec() == Codec.H265 ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
        if (codec == null) {
            return Optional.empty();
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        SwsContext scaler = null;
        try {
            byte[] config = track.codecConfig();
            int padded = config.length + AV_INPUT_BUFFER_PADDING_SIZE;
            // Freed with av_free by avcodec_free_context, so it must come from av_malloc.
            BytePointer extradata = new BytePointer(av_malloc(padded)).capacity(padded);
            Pointer.memset(extradata, 0, padded);
            extradata.put(config);
            context.extradata(extradata);
            context.extradata_size(config.length);
            context.thread_count(1);
            if (avcodec_open2(context, codec, (AVDictionary) null) < 0) {
                return Optional.empty();
            }
            byte[] data = keyFrame.unit().data();
            if (av_new_packet(packet, data.length) < 0) {
                return Optional.empty();
            }
            packet.data().put(data);
            packet.flags(AV_PKT_FLAG_KEY);
            if (avcodec_send_packet(context, packet) < 0) {
                return Optional.empty();
            }
            avcodec_send_packet(context, (AVPacket) null);
            if (avcodec_receive_frame(context, frame) < 0) {
                return Optional.empty();
            }
            int width = frame.width();
            int height = frame.height();
            int outWidth = Math.min(width, MAX_WIDTH) & ~1;
            int outHeight = Math.max(2, (int) Math.round((double) height * outWidth / width) & ~1);
            scaler = sws_getContext(width, height, frame.format(), outWidth, outHeight, AV_PIX_FMT_BGR24,
                    SWS_BILINEAR, null, null, (DoublePointer) null);
            if (scaler == null) {
                return Optional.empty();
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
            }
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ImageIO.write(image, "jpeg", jpeg);
            return Optional.of(jpeg.toByteArray());
        } finally {
            if (scaler != null) {
                sws_freeContext(scaler);
            }
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(context);
        }
    }

    @Override
    public void close() {
        decoder.shutdownNow();
    }
}
