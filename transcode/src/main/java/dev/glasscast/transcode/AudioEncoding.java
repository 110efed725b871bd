package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.presets.avutil.AVERROR_EAGAIN;

import dev.glasscast.media.AccessUnit;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Feeds an opened libavcodec audio encoder and hands its packets out as access units: what
 * {@link AacTranscoder} and {@link OpusTranscoder} share. Stateless; the caller owns the encoder,
 * the frame and the packet.
 */
final class AudioEncoding {

    /** Makes the access unit of one encoded packet. */
    @FunctionalInterface
    interface Packets {
        /**
         * @param samplePts the pts of the packet's first input sample, in the encoder's sample
         *                  time base (the encoder's priming delay added back)
         * @param samples   the packet's duration in samples
         * @param data      the packet's bytes, a new array
         */
        AccessUnit unit(long samplePts, long samples, byte[] data);
    }

    private AudioEncoding() {
    }

    /** Encodes {@code frame} (null drains the encoder); every packet out goes to {@code out}. */
    static void encode(AVCodecContext encoder, AVFrame frame, AVPacket packet, String codec, Packets units,
                       Consumer<AccessUnit> out) {
        int result;
        while ((result = avcodec_send_frame(encoder, frame)) == AVERROR_EAGAIN()) {
            receive(encoder, packet, codec, units, out);
        }
        if (frame != null) {
            TranscodeException.check(result, "avcodec_send_frame(" + codec + ")");
        }
        receive(encoder, packet, codec, units, out);
    }

    private static void receive(AVCodecContext encoder, AVPacket packet, String codec, Packets units,
                                Consumer<AccessUnit> out) {
        while (true) {
            int result = avcodec_receive_packet(encoder, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            TranscodeException.check(result, "avcodec_receive_packet(" + codec + ")");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                out.accept(units.unit(packet.pts() + encoder.initial_padding(), packet.duration(), data));
            } finally {
                av_packet_unref(packet);
            }
        }
    }
}
