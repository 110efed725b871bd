package dev.glasscast.server.sources;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments that make Debian's ffmpeg encode a row's source in real time ({@code -re}) from
 * its synthetic inputs (a moving test picture, a 440 Hz tone) with libx264 and AAC, as OBS does;
 * or send a prepared file unchanged ({@link #copy}). Defaults: 320x180 at 30 fps, key frames every
 * second (the matrix daemon's segment length), no B-frames, 48 kHz stereo, 8 s.
 */
final class Encoder {

    private String size = "320x180";
    private String rate = "30";
    private int keyFrameInterval = 30;
    private boolean video = true;
    private boolean audio = true;
    private int sampleRate = 48_000;
    private int channels = 2;
    private double seconds = 8;
    private boolean bFrames;
    private final List<String> outputOptions = new ArrayList<>();

    static Encoder live() {
        return new Encoder();
    }

    Encoder picture(int width, int height, String frameRate, int keyFrameInterval) {
        this.size = width + "x" + height;
        this.rate = frameRate;
        this.keyFrameInterval = keyFrameInterval;
        return this;
    }

    Encoder sound(int sampleRate, int channels) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        return this;
    }

    Encoder noVideo() {
        this.video = false;
        return this;
    }

    Encoder noAudio() {
        this.audio = false;
        return this;
    }

    Encoder seconds(double seconds) {
        this.seconds = seconds;
        return this;
    }

    /** x264 as OBS configures it by default: preset veryfast, no zerolatency tune, 3 B-frames. */
    Encoder bFrames() {
        this.bFrames = true;
        return this;
    }

    /** Options given to the output, before the muxer, e.g. {@code -output_ts_offset}. */
    Encoder output(String... options) {
        outputOptions.addAll(List.of(options));
        return this;
    }

    /** The command line without the program name: inputs, codecs, then {@code destination} (muxer and URL). */
    List<String> args(List<String> destination) {
        List<String> args = new ArrayList<>();
        if (video) {
            args.addAll(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + rate));
        }
        if (audio) {
            args.addAll(List.of("-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + sampleRate));
        }
        args.addAll(List.of("-t", String.valueOf(seconds)));
        if (video) {
            args.addAll(List.of("-map", "0:v", "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p",
                    "-g", String.valueOf(keyFrameInterval), "-keyint_min", String.valueOf(keyFrameInterval),
                    "-sc_threshold", "0", "-b:v", "1000k", "-maxrate", "1000k", "-bufsize", "2000k"));
            args.addAll(bFrames ? List.of("-preset", "veryfast", "-bf", "3")
                    : List.of("-preset", "ultrafast", "-tune", "zerolatency"));
        }
        if (audio) {
            args.addAll(List.of("-map", (video ? "1" : "0") + ":a", "-c:a", "aac", "-b:a", "96k",
                    "-ar", String.valueOf(sampleRate), "-ac", String.valueOf(channels)));
        }
        args.addAll(outputOptions);
        args.addAll(destination);
        return args;
    }

    /** Sends a prepared file in real time, packets unchanged. */
    static List<String> copy(Path file, List<String> outputOptions, List<String> destination) {
        List<String> args = new ArrayList<>(List.of("-re", "-i", file.toString()));
        args.addAll(outputOptions);
        args.addAll(List.of("-c", "copy"));
        args.addAll(destination);
        return args;
    }
}
