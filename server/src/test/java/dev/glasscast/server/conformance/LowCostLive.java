package dev.glasscast.server.conformance;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Path;
import java.util.List;

/**
 * The setup of the output tests, as cheap as a real one gets on two shared cores: the daemon
 * in-process with a two-rung ladder (the source passed through, and one small rung encoded by
 * the in-process FFmpeg), fed by Debian's ffmpeg over SRT like OBS.
 */
public final class LowCostLive {

    public static final String KEY = "outputs-key";
    public static final String STREAM = "main";
    /** The transcoded rung. */
    public static final String SMALL = "108p";

    private LowCostLive() {
    }

    public static GlassCastConfig config(Path dir) {
        return TestDaemon.config(dir, KEY).withLadder(List.of(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 96_000),
                new RungConfig(SMALL, "h264", 192, 108, 150_000, 0, 0, 0, "ultrafast", "high", null, 96_000)));
    }

    public static GlassCastServer start(Path dir) throws Exception {
        return start(config(dir));
    }

    public static GlassCastServer start(GlassCastConfig config) throws Exception {
        GlassCastServer server = new GlassCastServer(config);
        server.start();
        return server;
    }

    /** Debian's ffmpeg publishing {@code seconds} of a 320x180 25 fps test picture with a tone over SRT, in real time. */
    public static FfmpegCli.Running publish(Path dir, GlassCastServer server, int seconds) throws Exception {
        return FfmpegCli.start(dir, List.of(
                "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds),
                "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-b:v", "300k",
                "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2",
                "-f", "mpegts", "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY + "&latency=200000"));
    }

    /** {@code http://127.0.0.1:port/live/main/} */
    public static String base(GlassCastServer server) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + STREAM + "/";
    }
}
