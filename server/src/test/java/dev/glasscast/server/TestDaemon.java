package dev.glasscast.server;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.config.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The daemon configuration tests start from: the defaults on free ports, one stream, no test
 * source, no slate (most tests watch a publish end; with the slate the renditions would outlive
 * it by {@code slate.timeout}), and the source passed through alone (the default {@code auto}
 * ladder would time x264 and encode rungs that most tests never look at, on a CI machine whose
 * two cores also run the publisher and the browser).
 */
public final class TestDaemon {

    /** The one rung of {@link #config}: the source, passed through. */
    public static final RungConfig PASSTHROUGH = new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high",
            null, 128_000);

    private TestDaemon() {
    }

    /**
     * @param dir the test's temporary directory; the data directory goes below it
     * @param key the key of the one stream, {@code main}
     */
    public static GlassCastConfig config(Path dir, String key) {
        GlassCastConfig defaults = new ConfigLoader().defaults();
        return defaults
                .withDataDir(dir.resolve("data"))
                .withServer(defaults.server().withHttpPort(0))
                .withIngest(defaults.ingest()
                        .withRtmp(defaults.ingest().rtmp().withPort(0))
                        .withSrt(defaults.ingest().srt().withPort(0))
                        .withStreams(List.of(new StreamConfig("main", key))))
                .withLadder(List.of(PASSTHROUGH))
                .withTestSource(defaults.testSource().withEnabled(false))
                .withWebRtc(defaults.webrtc().withBind("127.0.0.1").withUdpPort(0))
                .withSlate(new SlateConfig(false, "#000000", null, "", Duration.ofSeconds(1)));
    }

    /**
     * Starts the daemon as a separate JVM on {@code config}, as {@code ./glasscast} would, for
     * tests that must kill or signal the process; its output goes to {@code dir/daemon.log}.
     */
    public static Process startProcess(Path dir, Path config) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Dorg.bytedeco.javacpp.platform.extension=-gpl",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.glasscast.server.GlassCastMain", "--config", config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile())
                .start();
    }
}
