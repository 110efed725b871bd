package dev.glasscast.server.sources;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.config.RtmpConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SrtConfig;
import dev.glasscast.media.StreamPath;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The daemon every row of the source matrix publishes to: loopback only, no test source, no
 * slate (a row ends when its publisher does), one stream {@code main}, and the smallest ladder
 * that still has both kinds of output: the source passed through ({@code source}) and one rung
 * transcoded by the in-process FFmpeg ({@value #TRANSCODED}, small so that it costs little CPU).
 * Segments are 1 s so that a short publish gives several of them.
 */
final class MatrixDaemon implements AutoCloseable {

    static final String KEY = "matrix-key";
    static final String COPY = "source";
    static final String TRANSCODED = "144p";
    static final int TRANSCODED_HEIGHT = 144;

    final GlassCastServer server;
    // HTTP/1.1 as browsers speak to an http:// origin; no h2c upgrade attempt on every request.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    MatrixDaemon(Path dir) throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        RungConfig copy = base.ladder().getFirst();
        RungConfig small = new RungConfig(TRANSCODED, "h264", 0, TRANSCODED_HEIGHT, 250_000, 0, 0, 0,
                "ultrafast", "main", null, 128_000);
        PackagingConfig packaging = base.packaging();
        SrtConfig srt = base.ingest().srt();
        GlassCastConfig config = base
                .withIngest(base.ingest()
                        .withRtmp(new RtmpConfig(true, "127.0.0.1", 0))
                        .withSrt(new SrtConfig(true, "127.0.0.1", 0, srt.latency(), null)))
                .withPackaging(new PackagingConfig(Duration.ofSeconds(1), Duration.ofMillis(250), 60,
                        Duration.ofMinutes(2), false, packaging.memoryWindow()))
                .withLadder(List.of(copy, small));
        server = new GlassCastServer(config);
        server.start();
    }

    /** Where ffmpeg publishes {@code main} over {@code transport}, with its muxer. */
    List<String> output(Transport transport) {
        return output(transport, 200);
    }

    /** @param srtLatencyMillis the SRT receive latency the caller asks for (ignored for RTMP) */
    List<String> output(Transport transport, int srtLatencyMillis) {
        return switch (transport) {
            // OBS writes SRT's latency in microseconds, as FFmpeg's libsrt expects it.
            case SRT -> List.of("-f", "mpegts", "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY
                    + "&latency=" + srtLatencyMillis * 1000L);
            case RTMP -> List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY);
        };
    }

    String origin() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    /** {@code http://127.0.0.1:port/live/main/}. */
    String base() {
        return origin() + "/live/main/";
    }

    boolean published() {
        return server.hub().find(StreamPath.source("main")).isPresent();
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    byte[] getBytes(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError(url + " answered " + response.statusCode());
        }
        return response.body();
    }

    @Override
    public void close() {
        server.close();
    }
}
