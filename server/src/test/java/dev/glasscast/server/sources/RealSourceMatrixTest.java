package dev.glasscast.server.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14, item 4: the real-source matrix. Each row is published by Debian's ffmpeg (libx264,
 * AAC) over SRT and/or RTMP into a fresh daemon whose ladder passes the source through and
 * transcodes one small rung, and {@link OutputCheck} reads every output as a client would: the
 * LL-HLS playlists advance, every listed fMP4 and TS segment decodes in ffprobe with no error and
 * lasts what its EXTINF says within 10 %, and the DASH MPD agrees. Each row prints what was seen
 * ({@code [matrix]} lines), which RELIABILITY.md's table summarises.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealSourceMatrixTest {

    private static final Duration PUBLISH_LIMIT = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    private MatrixDaemon daemon;
    private String row;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        daemon = new MatrixDaemon(dir);
        row = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("") + " " + test.getDisplayName();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void h264WithBFramesAsObsSendsIt(Transport transport) throws Exception {
        run(transport, Encoder.live().picture(640, 360, "30", 30).bFrames().args(daemon.output(transport)),
                OutputCheck.Expect.av(640, 360, 30, 48_000, 2, 6));
    }

    @Test
    void fullHd60OverSrt() throws Exception {
        run(Transport.SRT, Encoder.live().picture(1920, 1080, "60", 60).seconds(6).args(daemon.output(Transport.SRT)),
                OutputCheck.Expect.av(1920, 1080, 60, 48_000, 2, 4));
    }

    @Test
    void hd720p30OverRtmp() throws Exception {
        run(Transport.RTMP, Encoder.live().picture(1280, 720, "30", 30).seconds(6).args(daemon.output(Transport.RTMP)),
                OutputCheck.Expect.av(1280, 720, 30, 48_000, 2, 4));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ntsc2997(Transport transport) throws Exception {
        run(transport, Encoder.live().picture(640, 360, "30000/1001", 30).args(daemon.output(transport)),
                OutputCheck.Expect.av(640, 360, 30_000 / 1001.0, 48_000, 2, 6));
    }

    @ParameterizedTest(name = "{0} {1} Hz {2} ch")
    @CsvSource({"SRT,44100,1", "RTMP,44100,1", "SRT,44100,2", "RTMP,48000,1"})
    void aacRatesAndChannels(Transport transport, int sampleRate, int channels) throws Exception {
        run(transport, Encoder.live().sound(sampleRate, channels).args(daemon.output(transport)),
                OutputCheck.Expect.av(320, 180, 30, sampleRate, channels, 6));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void audioOnly(Transport transport) throws Exception {
        run(transport, Encoder.live().noVideo().args(daemon.output(transport)),
                new OutputCheck.Expect(false, true, 0, 0, 0, 48_000, 2, 6));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void videoOnly(Transport transport) throws Exception {
        run(transport, Encoder.live().noAudio().args(daemon.output(transport)),
                new OutputCheck.Expect(true, false, 320, 180, 30, 0, 0, 6));
    }

    /** The audio track is announced (PMT, FLV header) from the start, its first frame comes 3 s after the video's. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void audioStartsThreeSecondsAfterTheVideo(Transport transport) throws Exception {
        Path prepared = prepare("late-audio.ts", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
                "-itsoffset", "3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "9", "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-g", "30", "-c:a", "aac", "-ac", "2", "-f", "mpegts"));
        run(transport, Encoder.copy(prepared, List.of(), daemon.output(transport)),
                OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 6));
    }

    /** The encoder is joined mid-GOP: half a second of pictures whose key frame was never sent. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void firstFrameIsNotAKeyFrame(Transport transport) throws Exception {
        Path prepared = prepare("one-second-gops.ts", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000",
                "-t", "9", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-f", "mpegts"));
        // -copyinkf keeps the pictures before the first key frame that a stream copy would drop.
        run(transport, Encoder.copy(prepared, List.of("-ss", "0.5", "-copyinkf"), daemon.output(transport)),
                OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 5));
    }

    /**
     * 4 s at 320x180, then 4 s at 480x270 on the same timeline: a new SPS mid-stream. Over RTMP,
     * FFmpeg's FLV muxer sends the new SPS in-band only, never a new sequence header.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void spsChangesMidStream(Transport transport) throws Exception {
        Path small = prepare("small.ts", pictureOnly(320, 180, List.of()));
        Path large = prepare("large.ts", pictureOnly(480, 270, List.of("-output_ts_offset", "4")));
        Path joined = dir.resolve("joined.ts");
        Files.write(joined, Files.readAllBytes(small));
        Files.write(joined, Files.readAllBytes(large), java.nio.file.StandardOpenOption.APPEND);
        run(transport, Encoder.copy(joined, List.of(), daemon.output(transport)),
                new OutputCheck.Expect(true, true, 0, 0, 0, 48_000, 2, 6));
    }

    /**
     * HEVC from x265 with its default B-frames, as OBS sends it with an HEVC encoder selected:
     * over SRT in MPEG-TS, and over RTMP as Enhanced RTMP ({@code hvc1} FourCC video tags), which
     * JavaCV's FFmpeg 8 writes (Debian's 5.1 cannot). Every rung comes out as H.264, so every
     * browser plays it, and the source also passes through as {@code source-hevc} ({@code hvc1},
     * for Safari).
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void hevcAsObsSendsIt(Transport transport) throws Exception {
        Path hevc = prepare("hevc.ts", List.of("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
                "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=30:min-keyint=30:bframes=3:log-level=error",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-f", "mpegts"));
        String ffmpeg = transport == Transport.RTMP ? FfmpegCli.javacvFfmpeg() : "ffmpeg";
        // "source" is transcoded here, not copied: under load its encoder sheds pictures by
        // design, so its frame rate is not held to the copy rung's 2 %.
        OutputCheck check = run(transport, ffmpeg, Encoder.copy(hevc, List.of(), daemon.output(transport)),
                new OutputCheck.Expect(true, true, 320, 180, 0, 48_000, 2, 6));
        assertTrue(check.renditions().contains("source-hevc/index.m3u8"),
                "the HEVC source passes through as its own rendition: " + check.renditions());
    }

    /**
     * AV1 over Enhanced RTMP ({@code av01} FourCC video tags), as OBS 30+ sends it with an AV1
     * encoder selected: SVT-AV1 from JavaCV's FFmpeg 8. Every rung comes out as H.264.
     */
    @Test
    void av1OverEnhancedRtmp() throws Exception {
        String ffmpeg = FfmpegCli.javacvFfmpeg();
        Path av1 = prepare(ffmpeg, "av1.flv", List.of("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
                "-c:v", "libsvtav1", "-preset", "10", "-g", "30", "-pix_fmt", "yuv420p",
                "-svtav1-params", "keyint=30:scd=0",
                "-c:a", "aac", "-ac", "2", "-f", "flv"));
        run(Transport.RTMP, ffmpeg, Encoder.copy(av1, List.of(), daemon.output(Transport.RTMP)),
                new OutputCheck.Expect(true, true, 320, 180, 0, 48_000, 2, 6));
    }

    /** 2^33 / 90 kHz = 95443.717 s: the source's PTS wrap to 0 ten seconds in. */
    @Test
    void mpegTsStartingTenSecondsBeforeThePtsWrap() throws Exception {
        run(Transport.SRT, Encoder.live().seconds(14).output("-output_ts_offset", "95433.717")
                .args(daemon.output(Transport.SRT)), OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 12));
    }

    /**
     * FFmpeg's FLV muxer writes timestamps modulo 2^31 ms: started at 2147479.648 s, the wire
     * timestamps fall to 0 after 4 s, exactly as an encoder whose clock restarts sends them.
     */
    @Test
    void rtmpClockJumpsBack() throws Exception {
        run(Transport.RTMP, Encoder.live().seconds(9).output("-output_ts_offset", "2147479.648")
                .args(daemon.output(Transport.RTMP)), OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 7));
    }

    /** After 4 s every timestamp is an hour later (setts runs in the FLV muxer's milliseconds). */
    @Test
    void rtmpClockLeapsForward() throws Exception {
        String leap = "setts=ts=TS+gte(TS\\,4000)*3600000";
        run(Transport.RTMP, Encoder.live().seconds(9).output("-bsf:v", leap, "-bsf:a", leap)
                .args(daemon.output(Transport.RTMP)), OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 7));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void oneSecondArrivesInOneBurstAfterANetworkHiccup(Transport transport) throws Exception {
        try (BurstRelay relay = transport == Transport.SRT
                ? BurstRelay.udp(daemon.server.srtPort(), Duration.ofSeconds(3), Duration.ofSeconds(1))
                : BurstRelay.tcp(daemon.server.rtmpPort(), Duration.ofSeconds(3), Duration.ofSeconds(1))) {
            List<String> destination = new ArrayList<>(daemon.output(transport));
            String url = destination.getLast();
            String port = ":" + (transport == Transport.SRT ? daemon.server.srtPort() : daemon.server.rtmpPort());
            destination.set(destination.size() - 1, url.replace(port, ":" + relay.port()));
            run(transport, Encoder.live().args(destination), OutputCheck.Expect.av(320, 180, 30, 48_000, 2, 6));
            assertEquals(true, relay.held() > 0, "the relay held nothing back");
            System.out.println("[matrix] " + row + ": the relay held " + relay.held() + " bytes for 1 s");
        }
    }

    private static List<String> pictureOnly(int width, int height, List<String> extra) {
        List<String> args = new ArrayList<>(List.of(
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=30",
                "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "4", "-ac", "2",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-c:a", "aac"));
        args.addAll(extra);
        args.addAll(List.of("-f", "mpegts"));
        return args;
    }

    /** Encodes a file ahead of the row (as fast as the machine can), for rows that send one unchanged. */
    private Path prepare(String name, List<String> args) throws Exception {
        return prepare("ffmpeg", name, args);
    }

    private Path prepare(String ffmpeg, String name, List<String> args) throws Exception {
        Path file = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("-v", "error"));
        command.addAll(args);
        command.add(file.toString());
        FfmpegCli.Result result = FfmpegCli.run(dir, ffmpeg, command, 60);
        assertEquals(0, result.exitCode(), result.stderr());
        return file;
    }

    private OutputCheck run(Transport transport, List<String> ffmpegArgs, OutputCheck.Expect expect) throws Exception {
        return run(transport, "ffmpeg", ffmpegArgs, expect);
    }

    private OutputCheck run(Transport transport, String ffmpeg, List<String> ffmpegArgs, OutputCheck.Expect expect)
            throws Exception {
        long start = System.nanoTime();
        OutputCheck check = new OutputCheck(daemon, dir);
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, ffmpeg, ffmpegArgs)) {
            check.watchWhileLive(publisher, PUBLISH_LIMIT);
        }
        long ended = System.nanoTime();
        List<String> seen = check.verify(expect);
        System.out.println("[matrix] " + row + " (" + transport + "; live and settling "
                + seconds(ended - start) + " s, checks " + seconds(System.nanoTime() - ended) + " s): "
                + String.join("; ", seen));
        return check;
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
