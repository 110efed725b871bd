package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.presets.avutil.AVERROR_EAGAIN;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Scales decoded pictures to one rung's size with libswscale and encodes them with libx264 (the
 * rung's codec {@code h264}) or libx265 ({@code h265}), producing GlassCast access units
 * (length-prefixed NAL units) and a track whose codec config is the avcC or hvcC record.
 *
 * <p>x264 settings (x265 gets the same through its own option names): the rung's preset, profile, level and VBV (maxrate, bufsize), tune
 * {@code zerolatency} (no frame threads, no lookahead: a picture in is a packet out), the rung's
 * B-frames (none by default; each adds a picture of delay and gives packets a DTS before their
 * PTS), no scene-cut or periodic key frames of its own: key frames come only where
 * {@link #encode} is told to force one, which is how every rung gets its IDRs at the same source
 * timestamps. {@code forced-idr} makes a forced key frame an IDR, so a segment can start there.
 *
 * <p>Timestamps: the encoder's time base is the source track's timescale, so output PTS equal
 * source PTS and rungs align exactly.
 *
 * <p>Native resources: owns an {@code AVCodecContext} (libx264 or libx265), an {@code SwsContext} (made
 * again when the source's size or pixel format changes), the scaled {@code AVFrame} and an
 * {@code AVPacket}; {@link #close()} frees them all. Source pictures passed to {@code encode}
 * are only read. Not thread-safe: used by its rung's thread alone.
 */
final class VideoEncoder implements AutoCloseable {

    /** x264's "no periodic key frames" (X264_KEYINT_MAX_INFINITE). */
    private static final int KEYINT_INFINITE = 1 << 30;

    private final Codec codec;
    private final String library;
    private final AVCodecContext context;
    private final AVFrame scaled;
    private final AVPacket packet;
    private final TrackInfo track;
    private final int width;
    private final int height;
    private SwsContext scaler;
    private int scalerSourceWidth;
    private int scalerSourceHeight;
    private int scalerSourceFormat = -1;
    private boolean closed;

    /**
     * @param rung      the rung's settings
     * @param width     output width (even)
     * @param height    output height (even)
     * @param source    the source video track: its id and timescale are kept
     * @param frameRate the nominal output frame rate, for x264's rate control
     * @param threads   x264 threads, 0 for its choice
     */
    VideoEncoder(RungConfig rung, int width, int height, TrackInfo source, double frameRate, int threads) {
        this(rung, width, height, source, frameRate, threads, RungPace.Step.AS_CONFIGURED);
    }

    /**
     * @param step how much of x264's analysis to leave out when the rung falls behind real time
     *             ({@link RungPace}); the stream's headers (SPS, PPS) are the same at every step,
     *             so changing step needs no new init segment
     */
    VideoEncoder(RungConfig rung, int width, int height, TrackInfo source, double frameRate, int threads,
                 RungPace.Step step) {
        this.width = width;
        this.height = height;
        this.codec = rung.isHevc() ? Codec.H265 : Codec.H264;
        this.library = codec == Codec.H265 ? "libx265" : "libx264";
        AVCodec encoder = avcodec_find_encoder_by_name(library);
        if (encoder == null) {
            throw new TranscodeException("this FFmpeg build has no " + library + "; use the -gpl natives"
                    + " (-Dorg.bytedeco.javacpp.platform.extension=-gpl)");
        }
        context = avcodec_alloc_context3(encoder);
        scaled = av_frame_alloc();
        packet = av_packet_alloc();
        AVDictionary options = new AVDictionary(null);
        try {
            context.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
            context.time_base(av_make_q(1, source.timescale()));
            if (frameRate > 0) {
                context.framerate(av_d2q(frameRate, 1001000));
            }
            context.bit_rate(rung.videoBitrate());
            context.rc_max_rate(rung.effectiveMaxrate());
            context.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, rung.effectiveBufsize()));
            context.gop_size(KEYINT_INFINITE);
            context.max_b_frames(rung.bframes());
            context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            context.thread_count(threads);
            av_dict_set(options, "preset", rung.preset(), 0);
            av_dict_set(options, "tune", "zerolatency", 0);
            av_dict_set(options, "forced-idr", "1", 0);
            if (codec == Codec.H265) {
                // keyint -1: x265's "no periodic key frames"; its log goes to stderr otherwise.
                // x265 sizes its own thread pool to every core unless told: a slate encoded ahead
                // of need (threads 1) must not take the cores from the live encoders.
                String pools = threads > 0 ? ":pools=" + threads + ":frame-threads=1:lookahead-slices=0" : "";
                av_dict_set(options, "x265-params", "keyint=-1:scenecut=0:open-gop=0:log-level=error" + pools, 0);
            } else {
                if (rung.level() != null) {
                    context.level(levelIdc(rung.level()));
                }
                av_dict_set(options, "profile", rung.profile(), 0);
                av_dict_set(options, "x264-params", "scenecut=0:open-gop=0" + step.x264Params(), 0);
            }
            TranscodeException.check(avcodec_open2(context, encoder, options),
                    "avcodec_open2(" + library + " " + rung.name() + ")");

            scaled.format(AV_PIX_FMT_YUV420P).width(width).height(height);
            TranscodeException.check(av_frame_get_buffer(scaled, 0), "av_frame_get_buffer");

            byte[] header = new byte[context.extradata_size()];
            context.extradata().get(header);
            byte[] config = codec == Codec.H265 ? hevcDecoderConfigurationRecord(header)
                    : H264Bitstream.avcDecoderConfigurationRecord(header, header.length);
            double outputRate = frameRate > 0 ? frameRate : source.frameRate();
            track = TrackInfo.video(source.trackId(), codec, source.timescale(), width, height, outputRate,
                    rung.videoBitrate(), config);
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            av_dict_free(options);
        }
    }

    /** The output track: announce it before the first access unit. */
    TrackInfo track() {
        return track;
    }

    /**
     * Encodes one picture, scaling it first unless it already has the rung's size and 8-bit
     * 4:2:0 (the decode thread scales for the rungs, {@link PictureCascade}).
     *
     * @param source   the decoded picture; its pixels are read only, its timing fields are set
     *                 here, so it must be the caller's own reference
     * @param pts      its presentation time in the source timescale
     * @param duration its duration in the source timescale (0 if unknown), carried to the output
     * @param keyFrame force an IDR here
     * @param out      receives the access units that come out (without B-frames, this picture's)
     */
    void encode(AVFrame source, long pts, long duration, boolean keyFrame, Consumer<AccessUnit> out) {
        AVFrame picture = source;
        if (source.width() != width || source.height() != height || source.format() != AV_PIX_FMT_YUV420P) {
            prepareScaler(source);
            TranscodeException.check(av_frame_make_writable(scaled), "av_frame_make_writable");
            sws_scale(scaler, source.data(), source.linesize(), 0, source.height(), scaled.data(), scaled.linesize());
            picture = scaled;
        }
        picture.pts(pts);
        picture.duration(duration);
        picture.pict_type(keyFrame ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        int result;
        while ((result = avcodec_send_frame(context, picture)) == AVERROR_EAGAIN()) {
            receive(out);
        }
        TranscodeException.check(result, "avcodec_send_frame(" + library + ")");
        receive(out);
    }

    /** Hands out what the encoder still holds; afterwards it accepts no more pictures. */
    void drain(Consumer<AccessUnit> out) {
        avcodec_send_frame(context, null);
        receive(out);
    }

    private void receive(Consumer<AccessUnit> out) {
        while (true) {
            int result = avcodec_receive_packet(context, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            TranscodeException.check(result, "avcodec_receive_packet(" + library + ")");
            try {
                byte[] annexB = new byte[packet.size()];
                packet.data().get(annexB);
                out.accept(new AccessUnit(track.trackId(), packet.dts(), packet.pts(), Math.max(0, packet.duration()),
                        (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                        H264Bitstream.toLengthPrefixed(annexB, annexB.length, codec)));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void prepareScaler(AVFrame source) {
        if (scaler != null && source.width() == scalerSourceWidth && source.height() == scalerSourceHeight
                && source.format() == scalerSourceFormat) {
            return;
        }
        if (scaler != null) {
            sws_freeContext(scaler);
        }
        scaler = sws_getContext(source.width(), source.height(), source.format(), width, height, AV_PIX_FMT_YUV420P,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null) {
            throw new TranscodeException("sws_getContext failed for " + source.width() + "x" + source.height()
                    + " format " + source.format());
        }
        scalerSourceWidth = source.width();
        scalerSourceHeight = source.height();
        scalerSourceFormat = source.format();
    }

    /** libx265's global header (VPS, SPS, PPS in Annex B) as an hvcC record. */
    private static byte[] hevcDecoderConfigurationRecord(byte[] annexB) {
        byte[] vps = null;
        byte[] sps = null;
        byte[] pps = null;
        for (byte[] nal : H264Bitstream.splitAnnexB(annexB, annexB.length)) {
            switch (HevcSps.nalType(nal[0])) {
                case HevcSps.NAL_VPS -> vps = vps == null ? nal : vps;
                case HevcSps.NAL_SPS -> sps = sps == null ? nal : sps;
                case HevcSps.NAL_PPS -> pps = pps == null ? nal : pps;
                default -> {
                }
            }
        }
        if (vps == null || sps == null || pps == null) {
            throw new TranscodeException("libx265 gave no VPS, SPS and PPS in its global header");
        }
        return HevcDecoderConfig.toBytes(vps, sps, pps);
    }

    /** {@code "4.1"} → 41, {@code "1b"} → 9 (x264's level_idc for 1b), {@code "3"} → 30. */
    static int levelIdc(String level) {
        if ("1b".equals(level)) {
            return 9;
        }
        return (int) Math.round(Double.parseDouble(level) * 10);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec_free_context(context);
        av_frame_free(scaled);
        av_packet_free(packet);
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
    }
}
