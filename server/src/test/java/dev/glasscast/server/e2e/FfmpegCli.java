package dev.glasscast.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code ffmpeg} and {@code ffprobe} (installed by {@code .ci/run}): the same
 * FFmpeg a streamer's machine runs, as a real peer of the daemon.
 */
public final class FfmpegCli {

    /** A finished run: exit code and everything it wrote to stderr. */
    public record Result(int exitCode, String stderr, String stdout) {
    }

    /** A running ffmpeg, e.g. a publisher. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path stderrFile;

        Running(Process process, Path stderrFile) {
            this.process = process;
            this.stderrFile = stderrFile;
        }

        public Result await(long timeout, TimeUnit unit) throws Exception {
            if (!process.waitFor(timeout, unit)) {
                process.destroyForcibly();
                throw new AssertionError("ffmpeg did not finish in " + timeout + " " + unit + ":\n" + stderr());
            }
            return new Result(process.exitValue(), stderr(), "");
        }

        public String stderr() throws IOException {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FfmpegCli() {
    }

    public static Running start(Path workDir, List<String> args) throws IOException {
        return start(workDir, "ffmpeg", args);
    }

    /**
     * The ffmpeg program inside JavaCV's FFmpeg build (8.x): unlike Debian's 5.1 it writes
     * Enhanced RTMP (HEVC and AV1 in FLV), as OBS 30+ sends it.
     */
    public static String javacvFfmpeg() {
        return org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    /** Starts {@code program} (a path, or a name on the PATH) with ffmpeg's usual first options. */
    public static Running start(Path workDir, String program, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.add("-hide_banner");
        command.add("-nostdin");
        command.addAll(args);
        Path stderr = Files.createTempFile(workDir, "ffmpeg", ".log");
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        return new Running(process, stderr);
    }

    public static Result run(Path workDir, String tool, List<String> args, long timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.add("-hide_banner");
        command.addAll(args);
        String name = Path.of(tool).getFileName().toString();
        Path stdout = Files.createTempFile(workDir, name, ".out");
        Path stderr = Files.createTempFile(workDir, name, ".err");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(tool + " timed out: " + command);
        }
        return new Result(process.exitValue(), Files.readString(stderr), Files.readString(stdout));
    }

    /**
     * The arguments that make ffmpeg publish like OBS: H.264 high profile, yuv420p, a key frame
     * every 2 s and no scene-cut key frames, CBR-ish bitrate, AAC 48 kHz stereo, paced in real
     * time from synthetic sources.
     */
    public static List<String> obsLikeSource(int width, int height, int fps, int seconds) {
        return List.of(
                "-re",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds),
                "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p",
                "-preset", "veryfast", "-tune", "zerolatency",
                "-g", String.valueOf(fps * 2), "-keyint_min", String.valueOf(fps * 2), "-sc_threshold", "0",
                "-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "3000k",
                "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2");
    }
}
