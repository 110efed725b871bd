package dev.glasscast.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an HLS player does against the daemon's HTTP port: fetch playlists, wait for the end of
 * a stream, and download a rendition's init segment plus every listed segment into one file
 * that ffprobe can decode.
 */
public final class HlsPlayback {

    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    private final HttpClient http;
    private final String origin;

    public HlsPlayback(int httpPort) {
        this(httpPort, HttpClient.Version.HTTP_2);
    }

    /** @param version HTTP_1_1 to skip the h2c upgrade attempt the default client makes */
    public HlsPlayback(int httpPort, HttpClient.Version version) {
        this.origin = "http://127.0.0.1:" + httpPort;
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** {@code /live/STREAM/} on this daemon. */
    public String streamBase(String stream) {
        return origin + "/live/" + stream + "/";
    }

    /**
     * Polls a media playlist until it has EXT-X-ENDLIST, i.e. the publisher left and the packager
     * flushed the last segment. The wait covers a transcoder that is still draining its queues.
     */
    public String awaitEndedPlaylist(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200) {
                last = response.body();
                if (last.contains("#EXT-X-ENDLIST")) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ENDLIST in " + url + " after " + timeout + ":\n" + last);
    }

    /** The segment URIs of a media playlist, in order. */
    public static List<String> segmentUris(String playlist) {
        List<String> uris = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                uris.add(line.trim());
            }
        }
        return uris;
    }

    /** The EXTINF durations of a media playlist, in order, as written. */
    public static List<String> segmentDurations(String playlist) {
        List<String> durations = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXTINF:")) {
                durations.add(line.substring("#EXTINF:".length(), line.indexOf(',')));
            }
        }
        return durations;
    }

    /** The init segment named by EXT-X-MAP, relative to {@code renditionBase}. */
    public byte[] initSegment(String renditionBase, String playlist) throws Exception {
        Matcher map = MAP.matcher(playlist);
        assertTrue(map.find(), "no EXT-X-MAP in\n" + playlist);
        return getBytes(renditionBase + map.group(1));
    }

    /** Downloads the init segment and every listed segment of a rendition into {@code file}. */
    public Path download(String renditionBase, String playlist, Path file) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(initSegment(renditionBase, playlist));
        for (String uri : segmentUris(playlist)) {
            bytes.writeBytes(getBytes(renditionBase + uri));
        }
        Files.write(file, bytes.toByteArray());
        return file;
    }

    public HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A media object: 200, cacheable, its bytes. */
    public byte[] getBytes(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        assertTrue(response.headers().firstValue("cache-control").orElse("").contains("max-age"), url);
        return response.body();
    }

    /** Waits until {@code url} answers 200, e.g. a rendition that appears once transcoding starts. */
    public String await200(String url, long timeout, TimeUnit unit) throws Exception {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        int status = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            status = response.statusCode();
            if (status == 200) {
                return response.body();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " still answers " + status + " after " + timeout + " " + unit);
    }
}
