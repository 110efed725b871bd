package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_reset;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * Decodes a stream's AAC and encodes it to Opus for WebRTC (RFC 7587: 48 kHz, stereo, 20 ms
 * frames), with libopus: the AAC is decoded once, resampled to 48 kHz stereo (libswresample
 * also downmixes or upmixes other layouts), re-framed into 960 samples and encoded. Browsers'
 * WebRTC decodes Opus and not AAC, so this runs once per stream while WebRTC viewers watch it.
 *
 * <p>Timestamps: the output counts samples at 48 kHz from the first frame's pts (the source's
 * timescale rescaled to 48 kHz), so it follows the source across small gaps no better than the
 * samples do; {@link #discontinuity()} re-anchors it. libopus's look-ahead ({@code initial_padding},
 * 312 samples) is added back, so a frame carries the time of its first input sample.
 *
 * <p>Native resources: the AAC decoder, the encoder context, a resampler, an audio FIFO, two
 * frames and a packet; {@link #close()} frees them. Not thread-safe: one thread uses it.
 */
public final class OpusTranscoder implements AutoCloseable {

    /** RFC 7587: the RTP clock and the rate every Opus stream is described with. */
    public static final int SAMPLE_RATE = 48_000;
    /** 20 ms, what WebRTC sends by default. */
    public static final int FRAME_SAMPLES = 960;
    /** RFC 7587's opus/48000/2; mono sources are sent as two equal channels. */
    public static final int CHANNELS = 2;
    /** Good speech and music at WebRTC's usual rate. */
    public static final long DEFAULT_BITRATE = 96_000;

    private final TrackInfo source;
    private final long bitrate;
    private final AudioDecoder decoder;
    private final AVPacket packet;
    private final AVFrame resampled;
    private final AVRational sourceTimeBase;
    private final AVRational opusTimeBase = av_make_q(1, SAMPLE_RATE);
    private SwrContext resampler;
    private AVCodecContext encoder;
    private AVFrame encoderInput;
    private AVAudioFifo fifo;
    private long nextSample = Long.MIN_VALUE;
    private boolean closed;

    /** @param source the AAC track (its AudioSpecificConfig opens the decoder) */
    public OpusTranscoder(TrackInfo source, long bitrate) {
        if (source.codec() != Codec.AAC) {
            throw new TranscodeException("Opus is made from AAC here, not " + source.codec());
        }
        this.source = source;
        this.bitrate = bitrate;
        decoder = AudioDecoder.aac(source);
        packet = av_packet_alloc();
        resampled = av_frame_alloc();
        sourceTimeBase = av_make_q(1, source.timescale());
        try {
            openEncoder();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Transcodes one AAC frame; Opus frames (20 ms each, pts in 48 kHz) go to {@code out}. */
    public void transcode(AccessUnit unit, Consumer<AccessUnit> out) {
        decoder.decode(unit, pcm -> accept(pcm, out));
    }

    /** The source's timeline broke: the next frame re-anchors the output's. */
    public void discontinuity() {
        nextSample = Long.MIN_VALUE;
        av_audio_fifo_reset(fifo);
    }

    private void openEncoder() {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new TranscodeException("this FFmpeg has no libopus encoder");
        }
        encoder = avcodec_alloc_context3(codec);
        encoder.sample_fmt(AV_SAMPLE_FMT_FLT);
        encoder.sample_rate(SAMPLE_RATE);
        av_channel_layout_default(encoder.ch_layout(), CHANNELS);
        encoder.bit_rate(bitrate);
        encoder.time_base(opusTimeBase);
        encoder.frame_size(FRAME_SAMPLES);
        TranscodeException.check(avcodec_open2(encoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                "avcodec_open2(libopus)");
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLT, CHANNELS, FRAME_SAMPLES * 4);
        encoderInput = av_frame_alloc();
        encoderInput.format(AV_SAMPLE_FMT_FLT).nb_samples(FRAME_SAMPLES).sample_rate(SAMPLE_RATE);
        av_channel_layout_default(encoderInput.ch_layout(), CHANNELS);
        TranscodeException.check(av_frame_get_buffer(encoderInput, 0), "av_frame_get_buffer");
    }

    private void accept(AVFrame frame, Consumer<AccessUnit> out) {
        if (resampler == null) {
            // swr_convert_frame configures it from the first frames it sees.
            resampler = swr_alloc();
        }
        resampled.format(AV_SAMPLE_FMT_FLT).sample_rate(SAMPLE_RATE);
        av_channel_layout_default(resampled.ch_layout(), CHANNELS);
        try {
            TranscodeException.check(swr_convert_frame(resampler, resampled, frame), "swr_convert_frame");
            if (nextSample == Long.MIN_VALUE) {
                long pts = frame.pts() == AV_NOPTS_VALUE ? frame.best_effort_timestamp() : frame.pts();
                nextSample = av_rescale_q(pts, sourceTimeBase, opusTimeBase) - av_audio_fifo_size(fifo);
            }
            if (resampled.nb_samples() > 0) {
                TranscodeException.check(av_audio_fifo_write(fifo, resampled.extended_data(), resampled.nb_samples()),
                        "av_audio_fifo_write");
            }
        } finally {
            av_frame_unref(resampled);
        }
        while (av_audio_fifo_size(fifo) >= FRAME_SAMPLES) {
            encodeFromFifo(out);
        }
    }

    private void encodeFromFifo(Consumer<AccessUnit> out) {
        TranscodeException.check(av_frame_make_writable(encoderInput), "av_frame_make_writable");
        int read = av_audio_fifo_read(fifo, encoderInput.extended_data(), FRAME_SAMPLES);
        encoderInput.nb_samples(read);
        encoderInput.pts(nextSample);
        nextSample += read;
        AudioEncoding.encode(encoder, encoderInput, packet, "libopus",
                (pts, samples, data) -> new AccessUnit(source.trackId(), pts, pts, Math.max(0, samples), true, data), out);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        decoder.close();
        av_packet_free(packet);
        av_frame_free(resampled);
        if (resampler != null) {
            swr_free(resampler);
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
        }
        if (encoderInput != null) {
            av_frame_free(encoderInput);
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
        }
    }
}
