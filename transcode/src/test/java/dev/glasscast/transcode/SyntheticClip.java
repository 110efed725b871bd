package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * A synthetic source for tests: a moving square over a gradient with a 440 Hz tone, encoded by
 * JavaCV (H.264 with B-frames, so the decoder must reorder, or H.265 or AV1; AAC) into an MP4,
 * then read back packet by packet into GlassCast access units, as ingest would produce them.
 * The gradient's blue grows from left to right, green from top to bottom; red is 96.
 *
 * @param video the video track (id 1), avcC (hvcC, av1C) config
 * @param audio the audio track (id 2), AudioSpecificConfig
 * @param units video and audio access units, interleaved by decode time
 */
record SyntheticClip(TrackInfo video, TrackInfo audio, List<AccessUnit> units) {

    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;
    static final int SAMPLE_RATE = 48_000;

    /**
     * @param keyFrameInterval pictures between key frames
     */
    static SyntheticClip make(Path file, int width, int height, int fps, int frames, int keyFrameInterval)
            throws Exception {
        return make(file, Codec.H264, width, height, fps, frames, keyFrameInterval);
    }

    /** @param codec H.264 (libx264), H.265 (libx265) or AV1 (libsvtav1), all in JavaCV's FFmpeg */
    static SyntheticClip make(Path file, Codec codec, int width, int height, int fps, int frames,
                              int keyFrameInterval) throws Exception {
        write(file, codec, width, height, fps, frames, keyFrameInterval);
        return read(file);
    }

    static void write(Path file, Codec codec, int width, int height, int fps, int frames, int keyFrameInterval)
            throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), width, height, 2)) {
            recorder.setFormat("mp4");
            switch (codec) {
                case H264 -> recorder.setVideoCodec(AV_CODEC_ID_H264);
                case H265 -> recorder.setVideoCodecName("libx265");
                case AV1 -> recorder.setVideoCodecName("libsvtav1");
                default -> throw new IllegalArgumentException("no video codec " + codec);
            }
            recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setGopSize(keyFrameInterval);
            recorder.setVideoBitrate(width * height * 2);
            // SVT-AV1's presets are numbers, the fastest 12 or 13; x264's and x265's are names.
            recorder.setVideoOption("preset", codec == Codec.AV1 ? "12" : "ultrafast");
            recorder.setVideoOption("x264-params", "bframes=2:b-adapt=0:scenecut=0");
            recorder.setAudioCodec(AV_CODEC_ID_AAC);
            recorder.setSampleRate(SAMPLE_RATE);
            recorder.setAudioChannels(2);
            recorder.setAudioBitrate(128_000);
            recorder.start();

            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            int stride = frame.imageStride;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = y * stride + x * 3;
                    pixels.put(at, (byte) (x * 255 / width));
                    pixels.put(at + 1, (byte) (y * 255 / height));
                    pixels.put(at + 2, (byte) 96);
                }
            }
            int side = Math.max(8, height / 8);
            int samplesPerFrame = SAMPLE_RATE / fps;
            long sample = 0;
            for (int i = 0; i < frames; i++) {
                int left = (i * width / Math.max(1, frames)) % Math.max(1, width - side);
                int top = (height - side) / 2;
                square(pixels, stride, left, top, side, (byte) 255);
                recorder.record(frame);
                square(pixels, stride, left, top, side, (byte) 0);

                ShortBuffer tone = ShortBuffer.allocate(samplesPerFrame * 2);
                for (int s = 0; s < samplesPerFrame; s++, sample++) {
                    short value = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / SAMPLE_RATE));
                    tone.put(value).put(value);
                }
                tone.flip();
                recorder.recordSamples(SAMPLE_RATE, 2, tone);
            }
            recorder.stop();
        }
    }

    private static void square(ByteBuffer pixels, int stride, int left, int top, int side, byte value) {
        for (int y = top; y < top + side; y++) {
            for (int x = left; x < left + side; x++) {
                int at = y * stride + x * 3;
                pixels.put(at, value).put(at + 1, value).put(at + 2, value);
            }
        }
    }

    static SyntheticClip read(Path file) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            AVFormatContext format = grabber.getFormatContext();
            TrackInfo video = null;
            TrackInfo audio = null;
            int videoIndex = -1;
            int audioIndex = -1;
            for (int i = 0; i < format.nb_streams(); i++) {
                AVStream stream = format.streams(i);
                AVCodecParameters parameters = stream.codecpar();
                byte[] config = new byte[parameters.extradata_size()];
                parameters.extradata().get(config);
                if (stream.time_base().num() != 1) {
                    throw new IllegalStateException("unexpected time base " + stream.time_base().num());
                }
                int timescale = stream.time_base().den();
                if (parameters.codec_type() == AVMEDIA_TYPE_VIDEO) {
                    videoIndex = i;
                    video = TrackInfo.video(VIDEO_TRACK, videoCodec(parameters.codec_id()), timescale,
                            parameters.width(), parameters.height(),
                            grabber.getFrameRate(), parameters.bit_rate(), config);
                } else if (parameters.codec_type() == AVMEDIA_TYPE_AUDIO) {
                    audioIndex = i;
                    audio = TrackInfo.audio(AUDIO_TRACK, Codec.AAC, timescale, parameters.sample_rate(),
                            parameters.ch_layout().nb_channels(), parameters.bit_rate(), config);
                }
            }
            record Timed(double seconds, AccessUnit unit) {
            }
            List<Timed> timed = new ArrayList<>();
            AVPacket packet;
            while ((packet = grabber.grabPacket()) != null) {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                boolean isVideo = packet.stream_index() == videoIndex;
                if (!isVideo && packet.stream_index() != audioIndex) {
                    continue;
                }
                TrackInfo track = isVideo ? video : audio;
                AccessUnit unit = new AccessUnit(track.trackId(), packet.dts(), packet.pts(), Math.max(0, packet.duration()),
                        isVideo ? (packet.flags() & AV_PKT_FLAG_KEY) != 0 : true, data);
                timed.add(new Timed((double) packet.dts() / track.timescale(), unit));
            }
            timed.sort(Comparator.comparingDouble(Timed::seconds));
            return new SyntheticClip(video, audio, timed.stream().map(Timed::unit).toList());
        }
    }

    private static Codec videoCodec(int codecId) {
        if (codecId == AV_CODEC_ID_HEVC) {
            return Codec.H265;
        }
        return codecId == AV_CODEC_ID_AV1 ? Codec.AV1 : Codec.H264;
    }

    List<AccessUnit> videoUnits() {
        return units.stream().filter(u -> u.trackId() == VIDEO_TRACK).toList();
    }

    List<AccessUnit> audioUnits() {
        return units.stream().filter(u -> u.trackId() == AUDIO_TRACK).toList();
    }
}
