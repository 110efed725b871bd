package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.presets.avutil.AVERROR_EAGAIN;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Decodes one H.264, H.265 or AV1 track with libavcodec, straight from GlassCast's access units:
 * the avcC/hvcC/av1C record is the decoder's extradata and the payloads (length-prefixed NAL
 * units, AV1 OBUs) are its packets, which FFmpeg's decoders accept as they are. The ladder's
 * decode thread and the dashboard's {@link KeyFrameThumbnailer} both decode with it, so the
 * choice of decoder is made here only.
 *
 * <p>Native resources: this object owns one {@code AVCodecContext} (with its extradata), one
 * {@code AVPacket} and one {@code AVFrame}, all freed by {@link #close()}. Frames handed to the
 * consumer of {@link #decode} are borrowed: valid only during the call; a consumer that keeps
 * one takes its own reference ({@code av_frame_clone}). Not thread-safe: one thread (the
 * stream's decode thread, or the thumbnailer's caller) uses it from construction to {@code close()}.
 *
 * <p>Threads split each picture (slice threading), never work on several pictures at once:
 * frame threading holds back one picture per extra thread before the first comes out (two
 * pictures, 67 ms at 30 fps, with FFmpeg's choice on two cores; eight on eight), which every
 * viewer would see as latency. Decoding costs little next to the rungs' encodes.
 */
final class VideoDecoder implements AutoCloseable {

    /** avcodec.h's FF_THREAD_SLICE, which the JavaCPP presets do not map. */
    static final int FF_THREAD_SLICE = 2;

    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private boolean closed;

    /**
     * @param track   the source track, whose codecConfig becomes the extradata
     * @param threads decoder threads, 0 for FFmpeg's choice (one per core)
     */
    VideoDecoder(TrackInfo track, int threads) {
        AVCodec codec = findDecoder(track.codec());
        if (codec == null) {
            throw new TranscodeException("this FFmpeg build has no decoder for " + track.codec());
        }
        context = avcodec_alloc_context3(codec);
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        try {
            byte[] config = track.codecConfig();
            // libavcodec reads up to AV_INPUT_BUFFER_PADDING_SIZE bytes past the end, and frees
            // extradata with av_free when the context is freed: it must come from av_malloc.
            BytePointer extradata = new BytePointer(av_malloc(config.length + AV_INPUT_BUFFER_PADDING_SIZE))
                    .capacity(config.length + AV_INPUT_BUFFER_PADDING_SIZE);
            Pointer.memset(extradata, 0, config.length + AV_INPUT_BUFFER_PADDING_SIZE);
            extradata.put(config);
            context.extradata(extradata);
            context.extradata_size(config.length);
            context.pkt_timebase(av_make_q(1, track.timescale()));
            context.thread_count(threads);
            context.thread_type(FF_THREAD_SLICE);
            TranscodeException.check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                    "avcodec_open2(" + track.codec() + " decoder)");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static AVCodec findDecoder(Codec codec) {
        return switch (codec) {
            case H265 -> avcodec_find_decoder(AV_CODEC_ID_HEVC);
            // FFmpeg's own AV1 decoder only drives hardware; the software ones come first.
            case AV1 -> java.util.stream.Stream.of("libdav1d", "libaom-av1")
                    .map(org.bytedeco.ffmpeg.global.avcodec::avcodec_find_decoder_by_name)
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElseGet(() -> avcodec_find_decoder(AV_CODEC_ID_AV1));
            default -> avcodec_find_decoder(AV_CODEC_ID_H264);
        };
    }

    /**
     * Decodes one access unit and hands each picture that comes out (in presentation order,
     * possibly pictures of earlier units) to {@code pictures}. A unit the decoder rejects is
     * skipped: the decoder resynchronises at the next key frame.
     *
     * @return false if libavcodec rejected the unit
     */
    boolean decode(AccessUnit unit, Consumer<AVFrame> pictures) {
        TranscodeException.check(av_new_packet(packet, unit.data().length), "av_new_packet");
        packet.data().put(unit.data());
        packet.pts(unit.pts()).dts(unit.dts()).duration(unit.duration());
        packet.flags(unit.keyFrame() ? AV_PKT_FLAG_KEY : 0);
        try {
            int result;
            while ((result = avcodec_send_packet(context, packet)) == AVERROR_EAGAIN()) {
                receive(pictures);
            }
            if (result < 0) {
                return false;
            }
            receive(pictures);
            return true;
        } finally {
            av_packet_unref(packet);
        }
    }

    /** Hands out the pictures still inside the decoder, then readies it for a new timeline. */
    void drain(Consumer<AVFrame> pictures) {
        avcodec_send_packet(context, null);
        receive(pictures);
        avcodec_flush_buffers(context);
    }

    private void receive(Consumer<AVFrame> pictures) {
        while (true) {
            int result = avcodec_receive_frame(context, frame);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            if (result < 0) {
                // A corrupt picture: skip it, the next key frame recovers.
                return;
            }
            try {
                if (frame.pts() == AV_NOPTS_VALUE) {
                    frame.pts(frame.best_effort_timestamp());
                }
                pictures.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec_free_context(context);
        av_packet_free(packet);
        av_frame_free(frame);
    }
}
