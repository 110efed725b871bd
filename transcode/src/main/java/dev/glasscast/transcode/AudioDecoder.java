package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
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
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Decodes one audio track to planar-float PCM with libavcodec: AAC (opened with the track's
 * AudioSpecificConfig) or Opus (48 kHz stereo, as WebRTC sends it). Decoded frames carry the
 * units' pts in the track's timescale. What {@link AacTranscoder} and {@link OpusTranscoder}
 * start from.
 *
 * <p>Native resources: the decoder context, a packet and a frame; {@link #close()} frees them.
 * Not thread-safe: one thread uses it.
 */
final class AudioDecoder implements AutoCloseable {

    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame decoded;
    private boolean closed;

    /** An AAC track's decoder, opened with its AudioSpecificConfig. */
    static AudioDecoder aac(TrackInfo track) {
        return new AudioDecoder(AV_CODEC_ID_AAC, track.codecConfig(), 0, track.timescale());
    }

    /** An Opus decoder for WebRTC's opus/48000/2, its units' pts counted in {@code timescale}. */
    static AudioDecoder opus(int timescale) {
        return new AudioDecoder(AV_CODEC_ID_OPUS, new byte[0], 2, timescale);
    }

    /**
     * @param config   the codec's extradata, maybe empty
     * @param channels the channel count to open with, or 0 to take the extradata's
     */
    private AudioDecoder(int codecId, byte[] config, int channels, int timescale) {
        AVCodec codec = avcodec_find_decoder(codecId);
        context = avcodec_alloc_context3(codec);
        packet = av_packet_alloc();
        decoded = av_frame_alloc();
        try {
            if (config.length > 0) {
                BytePointer extradata = new BytePointer(av_malloc(config.length + AV_INPUT_BUFFER_PADDING_SIZE))
                        .capacity(config.length + AV_INPUT_BUFFER_PADDING_SIZE);
                Pointer.memset(extradata, 0, config.length + AV_INPUT_BUFFER_PADDING_SIZE);
                extradata.put(config);
                context.extradata(extradata).extradata_size(config.length);
            }
            if (channels > 0) {
                context.sample_rate(48_000);
                av_channel_layout_default(context.ch_layout(), channels);
            }
            context.pkt_timebase(av_make_q(1, timescale));
            TranscodeException.check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                    "avcodec_open2(" + codec.name().getString() + " decoder)");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Decodes one frame; each PCM frame it gives goes to {@code pcm}, borrowed for the call.
     * A frame libavcodec refuses is skipped, as a player would.
     */
    void decode(AccessUnit unit, Consumer<AVFrame> pcm) {
        TranscodeException.check(av_new_packet(packet, unit.data().length), "av_new_packet");
        packet.data().put(unit.data());
        packet.pts(unit.pts()).dts(unit.dts()).duration(unit.duration());
        try {
            if (avcodec_send_packet(context, packet) < 0) {
                return;
            }
        } finally {
            av_packet_unref(packet);
        }
        while (avcodec_receive_frame(context, decoded) >= 0) {
            try {
                pcm.accept(decoded);
            } finally {
                av_frame_unref(decoded);
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
        av_frame_free(decoded);
    }
}
