package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/** Decodes renditions back with libavcodec, to check what a player would see. */
final class Decoded {

    record Picture(int width, int height, long pts) {
    }

    private Decoded() {
    }

    static List<Picture> video(TrackInfo track, List<AccessUnit> units) {
        List<Picture> pictures = new ArrayList<>();
        try (VideoDecoder decoder = new VideoDecoder(track, 1)) {
            for (AccessUnit unit : units) {
                if (!decoder.decode(unit, f -> pictures.add(new Picture(f.width(), f.height(), f.pts())))) {
                    throw new AssertionError("libavcodec rejected " + unit);
                }
            }
            decoder.drain(f -> pictures.add(new Picture(f.width(), f.height(), f.pts())));
        }
        return pictures;
    }

    /** @return the number of PCM samples (per channel) the AAC units decode to */
    static long aacSamples(TrackInfo track, List<AccessUnit> units) {
        long[] samples = {0};
        try (AudioDecoder decoder = AudioDecoder.aac(track)) {
            for (AccessUnit unit : units) {
                decoder.decode(unit, frame -> samples[0] += frame.nb_samples());
            }
        }
        return samples[0];
    }

    /** What Opus frames decode to: samples per channel, and the first channel's RMS level (0..1). */
    record Sound(long samples, double rms) {
    }

    static Sound opus(List<AccessUnit> units) {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_OPUS);
        AVCodecContext context = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            context.sample_rate(48_000);
            av_channel_layout_default(context.ch_layout(), 2);
            TranscodeException.check(avcodec_open2(context, codec, (AVDictionary) null), "open opus");
            long samples = 0;
            double squares = 0;
            for (AccessUnit unit : units) {
                av_new_packet(packet, unit.data().length);
                packet.data().put(unit.data());
                TranscodeException.check(avcodec_send_packet(context, packet), "decode opus");
                av_packet_unref(packet);
                while (avcodec_receive_frame(context, frame) >= 0) {
                    // Planar or interleaved float: the first channel's samples are every 1st or every 2nd.
                    int step = frame.format() == AV_SAMPLE_FMT_FLTP ? 1 : frame.ch_layout().nb_channels();
                    FloatPointer pcm = new FloatPointer(frame.data(0));
                    for (int i = 0; i < frame.nb_samples(); i++) {
                        float value = pcm.get((long) i * step);
                        squares += value * value;
                    }
                    samples += frame.nb_samples();
                }
            }
            return new Sound(samples, samples == 0 ? 0 : Math.sqrt(squares / samples));
        } finally {
            avcodec_free_context(context);
            av_packet_free(packet);
            av_frame_free(frame);
        }
    }
}
