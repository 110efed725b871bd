package dev.glasscast.server;

import dev.glasscast.config.ConfigException;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.ConfigWatcher;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.server.api.PublicAddresses;
import dev.glasscast.server.qr.QrCode;
import java.nio.file.Files;
import org.bytedeco.ffmpeg.global.avutil;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar glasscast.jar [--config FILE]}: loads the config, starts the daemon, prints where to go. */
public final class GlassCastMain {

    private static final Logger log = LoggerFactory.getLogger(GlassCastMain.class);
    private static final String DEFAULT_CONFIG_FILE = "glasscast.yaml";
    /** Longest a graceful stop may take before the JVM halts (Docker's default grace is 10 s). */
    static final long SHUTDOWN_LIMIT_MILLIS = 9_000;

    private GlassCastMain() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> usage(null);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (configFile == null && Files.exists(Path.of(DEFAULT_CONFIG_FILE))) {
            configFile = Path.of(DEFAULT_CONFIG_FILE);
        }
        if (configFile != null && !Files.isReadable(configFile)) {
            fail("cannot read the config file " + configFile.toAbsolutePath());
        }

        GlassCastConfig config;
        ConfigLoader loader = new ConfigLoader();
        try {
            config = loader.load(configFile, System.getenv());
            StreamKeyStore keys = new StreamKeyStore(config.dataDir(), new SecureRandom());
            config = config.withIngest(config.ingest().withStreams(keys.resolve(config.ingest().streams())));
        } catch (ConfigException e) {
            fail("invalid configuration in " + (configFile == null ? "the environment" : configFile) + ":\n" + e.getMessage());
            return;
        }
        log.info("configuration: {}", configFile == null ? "embedded defaults" : configFile.toAbsolutePath());

        // FFmpeg (test source, transcoder) would otherwise print its banner and every encoder setting.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        LatencyProbeLog probeLog = latencyProbeLog();
        GlassCastServer server = new GlassCastServer(config, probeLog == null ? LatencyProbe.OFF : probeLog);
        try {
            server.start();
        } catch (java.net.BindException e) {
            fail("cannot listen: " + e.getMessage() + ". Is another GlassCast (or another server) running? "
                    + "Change the ports in the config file.");
        }
        ConfigWatcher watcher = null;
        if (configFile != null) {
            watcher = new ConfigWatcher(loader, configFile, System.getenv(), config);
            watcher.addListener(server::reconfigure);
            watcher.start();
        }
        ConfigWatcher runningWatcher = watcher;
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (docker stop, systemctl stop, Ctrl-C): stop ingest so every publisher is closed
        // cleanly, let the encoders and in-flight responses finish, end the renditions.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            log.info("shutting down");
            Thread watchdog = Thread.ofPlatform().name("shutdown-watchdog").daemon().start(() -> {
                try {
                    Thread.sleep(SHUTDOWN_LIMIT_MILLIS);
                    // A wedged close must not turn a stop into a hang the supervisor has to kill -9.
                    System.err.println("glasscast: shutdown took longer than " + SHUTDOWN_LIMIT_MILLIS + " ms; halting");
                    Runtime.getRuntime().halt(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            if (runningWatcher != null) {
                runningWatcher.close();
            }
            server.close();
            if (probeLog != null) {
                probeLog.close();
            }
            log.info("stopped");
            watchdog.interrupt();
            stopped.countDown();
        }));
        System.out.println(banner(server));
        stopped.await();
    }

    /**
     * What the daemon prints once it listens: per stream the watch URL with its QR code (to scan
     * with a phone), the HLS URL and OBS's settings; then the dashboard link with the admin token.
     */
    /** What the ladder makes, in one line: the rungs as written, or what {@code auto} does. */
    static String ladderLine(GlassCastConfig config) {
        if (config.ladder().stream().anyMatch(dev.glasscast.config.RungConfig::isAuto)) {
            return "auto: the source passes through, and below it a rung for weak networks plus what this "
                    + "machine's measured x264 speed allows, chosen when a source arrives (the dashboard and "
                    + "/api/v1/streams say what and why)";
        }
        return String.join(", ", config.ladder().stream()
                .map(r -> r.isCopy() ? r.name() + " (passthrough)" : r.name() + " (" + r.height() + "p)").toList());
    }

    public static String banner(GlassCastServer server) {
        GlassCastConfig config = server.config();
        PublicAddresses addresses = server.addresses();
        String host = addresses.ingestHost();
        String web = addresses.webBase();
        StringBuilder text = new StringBuilder("\nGlassCast is running.\n\n");
        for (StreamConfig stream : config.ingest().streams()) {
            text.append("  Stream '").append(stream.name()).append("'\n");
            if (stream.signedPlayback()) {
                // A link printed here would sit in logs for its whole lifetime: the dashboard mints them.
                text.append("    Watch:       signed links only (playback: signed); make one on the dashboard\n");
            } else {
                text.append("    Watch:       ").append(web).append("/watch/").append(stream.name())
                        .append("   (scan to watch on a phone)\n");
                text.append(QrCode.of(addresses.watchUrl(stream.name())).terminalText(true));
                text.append("    HLS:         ").append(web).append("/live/").append(stream.name()).append("/index.m3u8\n");
            }
            if (server.httpsPort() > 0 && !stream.signedPlayback()) {
                text.append("    HTTPS:       https://").append(host).append(':').append(server.httpsPort())
                        .append("/watch/").append(stream.name()).append('\n');
            }
            if (server.rtmpPort() > 0) {
                text.append("    OBS (RTMP):  Server rtmp://").append(host).append(':').append(server.rtmpPort())
                        .append("/live   Stream key ").append(stream.key()).append('\n');
            }
            if (server.srtPort() > 0) {
                String passphrase = config.ingest().srt().passphrase();
                text.append("    OBS (SRT):   srt://").append(host).append(':').append(server.srtPort())
                        .append("?streamid=").append(stream.key())
                        .append(passphrase == null ? "" : "&passphrase=" + passphrase)
                        .append("&latency=").append(config.ingest().srt().latency().toNanos() / 1000)
                        .append("   (Stream key box empty)\n");
            }
        }
        if (server.webrtc() != null) {
            text.append("\n  WebRTC (WHEP): ").append(web).append("/live/<stream>/whep   UDP ")
                    .append(server.webrtc().candidates().getFirst().getAddress().getHostAddress()).append(':')
                    .append(server.webrtc().port()).append('\n');
            text.append("  OBS (WHIP):    ").append(web).append("/live/<stream>/whip   (Bearer token: the stream key)\n");
        }
        text.append("\n  Dashboard:     ").append(web).append("/dashboard?token=").append(server.adminToken()).append('\n');
        text.append("  API, metrics:  ").append(web).append("/api/v1/streams, ").append(web)
                .append("/metrics   (header Authorization: Bearer <token>)\n");
        text.append("\n  Ladder:        ").append(ladderLine(config)).append('\n');
        if (config.testSource().enabled()) {
            text.append("\n  The test pattern is publishing to '").append(config.testSource().stream())
                    .append("' until you publish it: OBS with the settings above takes over at once\n")
                    .append("  (test_source.enabled: false turns the pattern off).\n");
        }
        return text.toString();
    }

    /**
     * The latency benchmark's record ({@code bench/latency/run.sh} with {@code LATENCY_OUT}), when
     * the JVM runs with {@code -Dglasscast.latencyProbe=FILE}; null, and the probe off, otherwise.
     */
    private static LatencyProbeLog latencyProbeLog() {
        String file = System.getProperty(LatencyProbeLog.PROPERTY);
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            LatencyProbeLog probeLog = new LatencyProbeLog(Path.of(file), System::currentTimeMillis);
            log.info("latency probe: marking every video frame's stages in {}", Path.of(file).toAbsolutePath());
            return probeLog;
        } catch (java.io.IOException e) {
            fail("cannot write the latency probe's file " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("glasscast: " + problem);
        }
        System.err.println("usage: glasscast [--config FILE]   (default: ./" + DEFAULT_CONFIG_FILE + " if present, else built-in defaults)");
        System.exit(problem == null ? 0 : 2);
    }

    private static void fail(String message) {
        System.err.println("glasscast: " + message);
        System.exit(1);
    }
}
