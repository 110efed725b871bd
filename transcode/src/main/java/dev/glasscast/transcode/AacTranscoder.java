package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_reset;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

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

/**
 * Decodes the source's AAC once and encodes it again to AAC-LC at the configured bitrate, for
 * the one {@code audio} rendition every rung shares; or ({@link #fromOpus}) a WHIP publisher's
 * Opus, which HLS and DASH players need as AAC. Sample rate and channels are kept; an audio
 * FIFO re-frames the decoded samples into the encoder's 1024-sample frames (HE-AAC sources
 * decode to 2048).
 *
 * <p>Timestamps: output PTS are the source's, in the source track's timescale. The encoder's
 * priming delay (1024 samples, {@code initial_padding}) is added back, so the first output frame
 * carries the first input frame's time; the cost is that audio plays one AAC frame (about 21 ms
 * at 48 kHz) late, which players do not notice and which keeps timestamps non-negative.
 *
 * <p>Native resources: owns an {@link AudioDecoder}, the encoder {@code AVCodecContext}, an
 * {@code AVAudioFifo}, two {@code AVFrame}s and an {@code AVPacket}; {@link #close()} frees them.
 * Not thread-safe: used by the stream's audio thread alone.
 */
public final class AacTranscoder implements AutoCloseable {

    private final int trackId;
    private final int timescale;
    private final long bitrate;
    private final AudioDecoder decoder;
    private final AVPacket packet;
    private final AVRational sourceTimeBase;
    private AVCodecContext encoder;
    private AVFrame encoderInput;
    private AVAudioFifo fifo;
    private AVRational sampleTimeBase;
    private TrackInfo track;
    private long nextSample = Long.MIN_VALUE;
    private boolean closed;

    AacTranscoder(TrackInfo source, long bitrate) {
        this(AudioDecoder.aac(source), source.trackId(), source.timescale(), bitrate);
    }

    /**
     * AAC from WebRTC's Opus (a WHIP publisher's sound), for HLS and DASH: units in and out are
     * timestamped in {@code timescale}.
     */
    public static AacTranscoder fromOpus(int trackId, int timescale, long bitrate) {
        return new AacTranscoder(AudioDecoder.opus(timescale), trackId, timescale, bitrate);
    }

    private AacTranscoder(AudioDecoder decoder, int trackId, int timescale, long bitrate) {
        this.trackId = trackId;
        this.timescale = timescale;
        this.bitrate = bitrate;
        this.decoder = decoder;
        packet = av_packet_alloc();
        sourceTimeBase = av_make_q(1, timescale);
    }

    /**
     * The output track, or null until the first source frame has been decoded (its sample
     * rate and channel layout shape the encoder). Announce it before the first output unit.
     */
    public TrackInfo track() {
        return track;
    }

    /** Transcodes one source frame; output units (if any yet) go to {@code out}. */
    public void transcode(AccessUnit unit, Consumer<AccessUnit> out) {
        decoder.decode(unit, pcm -> accept(pcm, out));
    }

    /** Starts a new timeline: the next frame's timestamp re-anchors the output. */
    public void discontinuity() {
        nextSample = Long.MIN_VALUE;
        if (fifo != null) {
            av_audio_fifo_reset(fifo);
        }
    }

    /** Encodes what is left (padding the last frame) and hands out the encoder's tail. */
    public void drain(Consumer<AccessUnit> out) {
        if (encoder == null) {
            return;
        }
        if (av_audio_fifo_size(fifo) > 0) {
            encodeFromFifo(av_audio_fifo_size(fifo), out);
        }
        AudioEncoding.encode(encoder, null, packet, "aac", this::unit, out);
    }

    private void accept(AVFrame frame, Consumer<AccessUnit> out) {
        if (frame.format() != AV_SAMPLE_FMT_FLTP) {
            throw new TranscodeException("the AAC decoder produced sample format " + frame.format() + ", not planar float");
        }
        if (encoder == null) {
            openEncoder(frame);
        }
        if (nextSample == Long.MIN_VALUE) {
            long pts = frame.pts() == AV_NOPTS_VALUE ? frame.best_effort_timestamp() : frame.pts();
            nextSample = av_rescale_q(pts, sourceTimeBase, sampleTimeBase) - av_audio_fifo_size(fifo);
        }
        TranscodeException.check(av_audio_fifo_write(fifo, frame.extended_data(), frame.nb_samples()), "av_audio_fifo_write");
        while (av_audio_fifo_size(fifo) >= encoder.frame_size()) {
            encodeFromFifo(encoder.frame_size(), out);
        }
    }

    private void openEncoder(AVFrame first) {
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        encoder = avcodec_alloc_context3(codec);
        encoder.sample_fmt(AV_SAMPLE_FMT_FLTP);
        encoder.sample_rate(first.sample_rate());
        TranscodeException.check(av_channel_layout_copy(encoder.ch_layout(), first.ch_layout()), "av_channel_layout_copy");
        encoder.bit_rate(bitrate);
        sampleTimeBase = av_make_q(1, first.sample_rate());
        encoder.time_base(sampleTimeBase);
        encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        TranscodeException.check(avcodec_open2(encoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                "avcodec_open2(aac encoder)");
        int channels = first.ch_layout().nb_channels();
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, encoder.frame_size() * 4);
        encoderInput = av_frame_alloc();
        encoderInput.format(AV_SAMPLE_FMT_FLTP).nb_samples(encoder.frame_size()).sample_rate(first.sample_rate());
        TranscodeException.check(av_channel_layout_copy(encoderInput.ch_layout(), first.ch_layout()), "av_channel_layout_copy");
        TranscodeException.check(av_frame_get_buffer(encoderInput, 0), "av_frame_get_buffer");
        byte[] asc = new byte[encoder.extradata_size()];
        encoder.extradata().get(asc);
        track = TrackInfo.audio(trackId, Codec.AAC, timescale, first.sample_rate(), channels, bitrate, asc);
    }

    private void encodeFromFifo(int samples, Consumer<AccessUnit> out) {
        TranscodeException.check(av_frame_make_writable(encoderInput), "av_frame_make_writable");
        int read = av_audio_fifo_read(fifo, encoderInput.extended_data(), samples);
        encoderInput.nb_samples(read);
        encoderInput.pts(nextSample);
        nextSample += read;
        AudioEncoding.encode(encoder, encoderInput, packet, "aac", this::unit, out);
        encoderInput.nb_samples(encoder.frame_size());
    }

    /** The access unit of one AAC packet, in the source's timescale. */
    private AccessUnit unit(long samplePts, long samples, byte[] data) {
        long pts = av_rescale_q(samplePts, sampleTimeBase, sourceTimeBase);
        long duration = av_rescale_q(samples, sampleTimeBase, sourceTimeBase);
        return new AccessUnit(trackId, pts, pts, Math.max(0, duration), true, data);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        decoder.close();
        av_packet_free(packet);
        if (encoder != null) {
            avcodec_free_context(encoder);
            av_frame_free(encoderInput);
            av_audio_fifo_free(fifo);
        }
    }
}
