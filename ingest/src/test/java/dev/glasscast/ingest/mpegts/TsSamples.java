package dev.glasscast.ingest.mpegts;

import dev.glasscast.ingest.RequiredTool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test material: real MPEG-TS from Debian's ffmpeg (libx264 + native AAC). */
public final class TsSamples {

    private TsSamples() {
    }

    /** Encodes {@code seconds} of test pattern and tone; GOP of 2 s; returns {@code file}. */
    public static Path encode(Path file, int width, int height, int fps, int seconds) throws IOException, InterruptedException {
        return encode(file, width, height, fps, seconds, "libx264");
    }

    /** As {@link #encode(Path, int, int, int, int)} with {@code videoEncoder} (libx264 or libx265). */
    public static Path encode(Path file, int width, int height, int fps, int seconds, String videoEncoder)
            throws IOException, InterruptedException {
        return encode(file, width, height, fps, seconds, videoEncoder, "aac");
    }

    /** As {@link #encode(Path, int, int, int, int, String)} with {@code audioEncoder} (aac, mp2, ac3). */
    public static Path encode(Path file, int width, int height, int fps, int seconds, String videoEncoder,
                              String audioEncoder) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(RequiredTool.path("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=" + width + "x" + height + ":rate=" + fps,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(seconds), "-ac", "2", "-pix_fmt", "yuv420p",
                "-c:v", videoEncoder, "-preset", "ultrafast", "-tune", "zerolatency", "-g", Integer.toString(2 * fps),
                "-keyint_min", Integer.toString(2 * fps), "-sc_threshold", "0", "-bf", "0", "-threads", "1"));
        if (videoEncoder.equals("libx265")) {
            command.addAll(List.of("-x265-params", "log-level=error:keyint=" + 2 * fps + ":scenecut=0:pools=1:frame-threads=1"));
        }
        command.addAll(List.of("-c:a", audioEncoder, "-b:a", "96k", "-f", "mpegts", file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] log = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("ffmpeg failed: " + new String(log));
        }
        return file;
    }

    /**
     * Rewrites every PMT of the stream with {@code version} and a fresh CRC, so a demuxer that
     * saw the original sees a new program version.
     */
    public static byte[] withPmtVersion(byte[] ts, int version) {
        byte[] out = ts.clone();
        int pmtPid = -1;
        for (int i = 0; i + 188 <= out.length; i += 188) {
            int pid = ((out[i + 1] & 0x1F) << 8) | (out[i + 2] & 0xFF);
            boolean start = (out[i + 1] & 0x40) != 0;
            if (pid == 0 && start && pmtPid < 0) {
                int s = i + 5 + (out[i + 4] & 0xFF);
                pmtPid = ((out[s + 10] & 0x1F) << 8) | (out[s + 11] & 0xFF);
            } else if (pid == pmtPid && start) {
                int s = i + 5 + (out[i + 4] & 0xFF);
                int length = 3 + (((out[s + 1] & 0x0F) << 8) | (out[s + 2] & 0xFF));
                out[s + 5] = (byte) ((out[s + 5] & 0xC1) | ((version & 0x1F) << 1));
                int crc = TsCrc32.compute(out, s, length - 4);
                out[s + length - 4] = (byte) (crc >>> 24);
                out[s + length - 3] = (byte) (crc >>> 16);
                out[s + length - 2] = (byte) (crc >>> 8);
                out[s + length - 1] = (byte) crc;
            }
        }
        return out;
    }
}
