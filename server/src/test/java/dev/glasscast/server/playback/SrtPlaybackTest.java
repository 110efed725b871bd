package dev.glasscast.server.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SrtConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.DecodedMedia;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.http.PlaybackTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SRT playback with real readers: while Debian's ffmpeg publishes as OBS does, ffmpeg (libsrt)
 * and libsrt's own {@code srt-live-transmit} call the daemon's SRT port asking to read
 * ({@code m=request}, and MediaMTX's {@code read:} form), record what they get, and ffprobe
 * decodes it, the source and a transcoded rung. Readers the daemon cannot serve are refused with the SRT reject code that says why.
 */
class SrtPlaybackTest {

    private static final String KEY = "srt-playback-key";
    private static final int PUBLISH_SECONDS = 25;
    private static final int READ_SECONDS = 6;
    private static final String PASSPHRASE = "reader-passphrase-1";

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private GlassCastServer server;
    /** The listener's rejections, each with its SRT reject code: the Debian tools do not print it. */
    private final ListAppender<ILoggingEvent> handshakes = new ListAppender<>();
    private final Logger responderLog = (Logger) LoggerFactory.getLogger("dev.glasscast.ingest.srt.SrtHandshakeResponder");
    private Level responderLevel;

    @BeforeEach
    void hearRejections() {
        responderLevel = responderLog.getLevel();
        // A burst of rejections is logged at debug after the first in a second.
        responderLog.setLevel(Level.DEBUG);
        handshakes.start();
        responderLog.addAppender(handshakes);
    }

    @AfterEach
    void stop() throws Exception {
        responderLog.detachAppender(handshakes);
        responderLog.setLevel(responderLevel);
        for (AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void ffmpegAndSrtLiveTransmitReadTheStreamAndItDecodes() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        RungConfig small = new RungConfig("180p", "h264", 320, 180, 300_000, 0, 0, 0, "ultrafast", "main", null, 96_000);
        start(base.withLadder(List.of(base.ladder().getFirst(), small)));
        publishObsLike();

        Path byFfmpeg = dir.resolve("ffmpeg.ts");
        FfmpegCli.Result ffmpeg = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", srtUrl("#!::r=live/main,m=request"), "-t", String.valueOf(READ_SECONDS), "-c", "copy",
                "-f", "mpegts", byFfmpeg.toString()), 60);
        assertEquals(0, ffmpeg.exitCode(), ffmpeg.stderr());
        DecodedMedia.assertH264WithAac(dir, byFfmpeg, 640, 360, (READ_SECONDS - 1) * 30);

        // srt-live-transmit writes what it receives as it is: the daemon's own TS, unremuxed.
        Path bySrtLiveTransmit = dir.resolve("srt-live-transmit.ts");
        Path log = dir.resolve("srt-live-transmit.log");
        Process transmit = new ProcessBuilder("srt-live-transmit", "-t:" + READ_SECONDS, "-v",
                "srt://127.0.0.1:" + server.srtPort() + "?streamid=read:live/main", "file://con")
                .redirectOutput(bySrtLiveTransmit.toFile()).redirectError(log.toFile()).start();
        assertTrue(transmit.waitFor(READ_SECONDS + 30, TimeUnit.SECONDS), "srt-live-transmit ends at its -t timer");
        String said = Files.readString(log);
        assertTrue(said.contains("SRT source connected"), said);
        DecodedMedia.assertH264WithAac(dir, bySrtLiveTransmit, 640, 360, (READ_SECONDS - 2) * 30);

        // A rung by name, in the access-control form without the live/ prefix.
        Path rung = dir.resolve("rung.ts");
        FfmpegCli.Result rungReader = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", srtUrl("#!::r=main/180p,m=request"), "-t", "3", "-c", "copy", "-f", "mpegts", rung.toString()), 60);
        assertEquals(0, rungReader.exitCode(), rungReader.stderr());
        DecodedMedia.assertH264WithAac(dir, rung, 320, 180, 2 * 30);
    }

    @Test
    void withAPassphraseTheReaderGetsItEncryptedAndDecryptsIt() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        SrtConfig srt = base.ingest().srt();
        start(base.withIngest(base.ingest().withSrt(
                new SrtConfig(srt.enabled(), srt.bind(), srt.port(), srt.latency(), PASSPHRASE))));
        publishObsLike();

        Path decrypted = dir.resolve("decrypted.ts");
        FfmpegCli.Result reader = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", srtUrl("#!::r=live/main,m=request") + "&passphrase=" + PASSPHRASE, "-t", "3", "-c", "copy",
                "-f", "mpegts", decrypted.toString()), 60);
        assertEquals(0, reader.exitCode(), reader.stderr());
        DecodedMedia.assertH264WithAac(dir, decrypted, 640, 360, 2 * 30);
        assertRefused("#!::r=live/main,m=request", "11", "a reader without the passphrase");
    }

    @Test
    void readersTheDaemonCannotServeAreRefusedWithTheReason() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        start(base.withIngest(base.ingest().withStreams(List.of(
                new StreamConfig("main", KEY).withPlayback(StreamConfig.SIGNED)))));
        publishObsLike();

        PlaybackTokens.Token token = server.playbackTokens().mint("main", Duration.ofMinutes(5));
        assertRefused("#!::r=live/main,m=request", "1403", "a signed stream without a token");
        assertRefused("#!::r=live/main,m=request,k=123.bad", "1403", "with a token that is not valid");
        assertRefused("#!::r=live/main/720p,m=request,k=" + token.value(), "1404", "a rendition that is not live");
        assertRefused("#!::r=live/nothing,m=request", "1404", "a stream that is not live");

        Path withToken = dir.resolve("signed.ts");
        FfmpegCli.Result reader = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", srtUrl("#!::r=live/main,m=request,k=" + token.value()), "-t", "3", "-c", "copy",
                "-f", "mpegts", withToken.toString()), 60);
        assertEquals(0, reader.exitCode(), reader.stderr());
        DecodedMedia.assertH264WithAac(dir, withToken, 640, 360, 2 * 30);
    }

    /** ffmpeg is turned away in the handshake, and the listener said why with {@code code}. */
    private void assertRefused(String streamId, String code, String what) throws Exception {
        handshakes.list.clear();
        FfmpegCli.Result refused = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", srtUrl(streamId), "-t", "1", "-f", "null", "-"), 60);
        assertNotEquals(0, refused.exitCode(), what + " was served");
        assertTrue(refused.stderr().contains("REJECT reported from HS processing"), what + ":\n" + refused.stderr());
        List<String> said = handshakes.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(said.stream().anyMatch(line -> line.contains("rejected") && line.contains("(" + code + ":")),
                what + ": expected reject code " + code + " in " + said);
    }

    private void start(GlassCastConfig config) throws Exception {
        server = new GlassCastServer(config);
        server.start();
    }

    /** OBS's way, over RTMP, running in the background until the test ends; returns once the stream is live. */
    private void publishObsLike() throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 30, PUBLISH_SECONDS));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY));
        running.add(FfmpegCli.start(dir, args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.hub().find(dev.glasscast.media.StreamPath.rendition("main", "source")).map(l -> l.tracks().isEmpty())
                .orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the source rendition did not go live within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** The stream id as it is: ffmpeg 5.1 passes the query value to libsrt unchanged ('#' included). */
    private String srtUrl(String streamId) {
        return "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + streamId + "&latency=200000";
    }
}
