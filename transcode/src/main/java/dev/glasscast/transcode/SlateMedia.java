package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;

import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.Codec;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Encodes what a rendition carries during a slate, once per rendition, so the slate costs no
 * CPU while it runs: one group of pictures of the still picture (an IDR then P-frames that
 * repeat it), looped with new timestamps, and one frame of AAC silence, repeated.
 *
 * <p>The video is encoded at the rendition's own size and codec (H.264, or HEVC for an HEVC
 * rendition) with its codec parameters, and every key frame carries its parameter sets in band. The packager keeps a rendition's first init segment,
 * whose avcC is the live encoder's; a decoder reading the slate takes the in-band parameter sets
 * instead, so the slate decodes even on a {@code copy} rung whose avcC came from the publisher.
 */
final class SlateMedia {

    /** Frames per second of the slate: whole milliseconds and whole 90 kHz ticks per frame. */
    static final int SLATE_FPS = 25;

    private SlateMedia() {
    }

    /**
     * One group of pictures of the slate for a video rendition.
     *
     * @param frames access-unit payloads, the first an IDR with SPS and PPS in band
     */
    record Gop(List<byte[]> frames) {
    }

    /**
     * @param track    the rendition's announced video track (size, timescale, avcC)
     * @param rung     the rung's settings, or null for a {@code copy} rung (then a profile and
     *                 level compatible with the publisher's avcC are used)
     * @param gopLength pictures per group: the key-frame interval at {@link #SLATE_FPS}
     */
    static Gop encodeVideo(SlateConfig slate, TrackInfo track, RungConfig rung, int gopLength) {
        int width = track.width() & ~1;
        int height = track.height() & ~1;
        RungConfig settings = rung != null && !rung.isCopy() ? rung : copyRungSettings(track, width, height);
        byte[] bgr = SlatePicture.renderBgr(slate, width, height);
        AVFrame picture = av_frame_alloc();
        List<byte[]> frames = new ArrayList<>(gopLength);
        try (VideoEncoder encoder = new VideoEncoder(settings, width, height, track, SLATE_FPS, 1)) {
            picture.format(AV_PIX_FMT_BGR24).width(width).height(height);
            TranscodeException.check(av_frame_get_buffer(picture, 0), "av_frame_get_buffer(slate)");
            BytePointer plane = picture.data(0);
            int stride = picture.linesize(0);
            for (int row = 0; row < height; row++) {
                plane.position((long) row * stride).put(bgr, row * width * 3, width * 3);
            }
            plane.position(0);
            long frameTicks = Math.max(1, track.timescale() / SLATE_FPS);
            List<AccessUnit> units = new ArrayList<>();
            for (int i = 0; i < gopLength; i++) {
                encoder.encode(picture, i * frameTicks, frameTicks, i == 0, units::add);
            }
            encoder.drain(units::add);
            byte[] parameterSets = lengthPrefixedParameterSets(encoder.track());
            for (AccessUnit unit : units) {
                frames.add(unit.keyFrame() ? concat(parameterSets, unit.data()) : unit.data());
            }
        } finally {
            av_frame_free(picture);
        }
        if (frames.isEmpty() || !startsRandomAccess(frames.getFirst(), track.codec())) {
            throw new TranscodeException("slate encoder did not start with a key frame");
        }
        return new Gop(List.copyOf(frames));
    }

    /**
     * Encoder settings for a slate on a {@code copy} rung: for H.264 the publisher's profile and
     * level; for HEVC x265's Main profile at its fastest preset (x265 costs several times x264).
     */
    private static RungConfig copyRungSettings(TrackInfo track, int width, int height) {
        long bitrate = Math.max(200_000, (long) width * height);
        if (track.codec() == Codec.H265) {
            return new RungConfig("slate", "h265", width, height, bitrate, 0, 0, 0, "ultrafast", "main", null, 0, 0);
        }
        byte[] avcC = track.codecConfig();
        String profile = "high";
        String level = null;
        if (avcC != null && avcC.length > 3) {
            profile = switch (avcC[1] & 0xFF) {
                case 66 -> "baseline";
                case 77 -> "main";
                default -> "high";
            };
            int levelIdc = avcC[3] & 0xFF;
            level = levelIdc <= 0 ? null : (levelIdc / 10) + "." + (levelIdc % 10);
        }
        return new RungConfig("slate", "h264", width, height, bitrate, 0, 0, 0, "veryfast", profile, level, 0, 0);
    }

    /**
     * The parameter sets of a video track's avcC (SPS, PPS) or hvcC (VPS, SPS, PPS) record as
     * length-prefixed NAL units, to put in band.
     */
    static byte[] lengthPrefixedParameterSets(TrackInfo track) {
        List<byte[]> sets = new ArrayList<>();
        if (track.codec() == Codec.H265) {
            HevcDecoderConfig.ParameterSets config = HevcDecoderConfig.parse(track.codecConfig());
            sets.addAll(config.vps());
            sets.addAll(config.sps());
            sets.addAll(config.pps());
        } else {
            AvcDecoderConfig config = AvcDecoderConfig.parse(track.codecConfig());
            sets.addAll(config.sps());
            sets.addAll(config.pps());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : sets) {
            writeNal(out, nal);
        }
        return out.toByteArray();
    }

    private static void writeNal(ByteArrayOutputStream out, byte[] nal) {
        out.write(nal.length >>> 24);
        out.write(nal.length >>> 16);
        out.write(nal.length >>> 8);
        out.write(nal.length);
        out.write(nal, 0, nal.length);
    }

    /** Whether an access unit holds an H.264 IDR or an HEVC random-access picture. */
    static boolean startsRandomAccess(byte[] lengthPrefixed, Codec codec) {
        int i = 0;
        while (i + 4 < lengthPrefixed.length) {
            int size = ((lengthPrefixed[i] & 0xFF) << 24) | ((lengthPrefixed[i + 1] & 0xFF) << 16)
                    | ((lengthPrefixed[i + 2] & 0xFF) << 8) | (lengthPrefixed[i + 3] & 0xFF);
            byte header = lengthPrefixed[i + 4];
            if (codec == Codec.H265 ? HevcSps.isRandomAccess(HevcSps.nalType(header)) : (header & 0x1F) == 5) {
                return true;
            }
            i += 4 + size;
        }
        return false;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /**
     * One raw AAC-LC frame of silence (1024 samples) for the rendition's sample rate and channel
     * count, taken after the encoder's priming so it is a steady-state frame.
     */
    static byte[] encodeSilence(TrackInfo track) {
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        try {
            int channels = Math.max(1, track.channels());
            encoder.sample_fmt(AV_SAMPLE_FMT_FLTP);
            encoder.sample_rate(track.sampleRate());
            av_channel_layout_default(encoder.ch_layout(), channels);
            encoder.bit_rate(64_000L * channels);
            encoder.time_base(av_make_q(1, track.sampleRate()));
            TranscodeException.check(avcodec_open2(encoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                    "avcodec_open2(aac silence)");
            frame.format(AV_SAMPLE_FMT_FLTP).nb_samples(encoder.frame_size()).sample_rate(track.sampleRate());
            av_channel_layout_default(frame.ch_layout(), channels);
            TranscodeException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer(silence)");
            av_samples_set_silence(frame.extended_data(), 0, encoder.frame_size(), channels, AV_SAMPLE_FMT_FLTP);
            byte[] last = null;
            for (int i = 0; i < 8 && last == null; i++) {
                frame.pts((long) i * encoder.frame_size());
                TranscodeException.check(avcodec_send_frame(encoder, frame), "avcodec_send_frame(aac silence)");
                int received = 0;
                while (avcodec_receive_packet(encoder, packet) >= 0) {
                    received++;
                    if (i >= 4) {
                        last = new byte[packet.size()];
                        packet.data().get(last);
                    }
                    av_packet_unref(packet);
                }
            }
            if (last == null) {
                throw new TranscodeException("AAC encoder gave no silent frame");
            }
            return last;
        } finally {
            av_packet_free(packet);
            av_frame_free(frame);
            avcodec_free_context(encoder);
        }
    }
}
