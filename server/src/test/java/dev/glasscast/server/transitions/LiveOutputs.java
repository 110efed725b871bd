package dev.glasscast.server.transitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.e2e.MediaProbe;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a live stream's outputs as an independent client would and checks what a viewer
 * depends on: every media playlist the multivariant playlist lists advances; every segment it
 * lists decodes with ffprobe without an error, and lasts what its {@code EXTINF} says (within
 * 10 %, from the media's own timestamps); the MPEG-TS playlist's segments decode; the DASH MPD
 * lists a Period with segments of every kind.
 *
 * <p>Parses only what it needs of RFC 8216 by hand (tags at the start of lines), never through
 * the packager's own code.
 */
final class LiveOutputs {

    private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");
    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");
    private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
    private static final Pattern MEDIA_URI = Pattern.compile("#EXT-X-MEDIA:.*URI=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Path workDir;

    /**
     * @param base    the stream's URL prefix, e.g. {@code http://127.0.0.1:8080/live/main/}
     * @param workDir where fetched media is written for ffprobe
     */
    LiveOutputs(String base, Path workDir) {
        this.base = base;
        this.workDir = workDir;
    }

    /** The media playlists the multivariant playlist lists, relative to {@link #base}. */
    List<String> mediaPlaylists() throws Exception {
        String multivariant = text("index.m3u8");
        List<String> playlists = new ArrayList<>();
        String[] lines = multivariant.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher media = MEDIA_URI.matcher(lines[i]);
            if (media.find()) {
                playlists.add(media.group(1));
            }
            if (lines[i].startsWith("#EXT-X-STREAM-INF") && i + 1 < lines.length) {
                playlists.add(lines[i + 1].trim());
            }
        }
        assertTrue(!playlists.isEmpty(), "the multivariant playlist lists no media playlist:\n" + multivariant);
        return playlists;
    }

    /** Checks every output of the stream; fails the test with what a viewer would have met. */
    void check() throws Exception {
        List<String> playlists = mediaPlaylists();
        List<Long> before = new ArrayList<>();
        for (String playlist : playlists) {
            before.add(lastSequence(text(playlist)));
        }
        for (int i = 0; i < playlists.size(); i++) {
            String playlist = playlists.get(i);
            long start = before.get(i);
            awaitAdvance(playlist, start);
            checkSegments(playlist, text(playlist));
        }
        checkTransportStream();
        checkDash();
    }

    private void awaitAdvance(String playlist, long from) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (lastSequence(text(playlist)) <= from) {
            assertTrue(System.nanoTime() < deadline, playlist + " did not advance past segment " + from + " in 12 s");
            Thread.sleep(200);
        }
    }

    /** Each listed segment, with its EXT-X-MAP, decodes and lasts its EXTINF within 10 %. */
    private void checkSegments(String playlist, String m3u8) throws Exception {
        String dir = playlist.contains("/") ? playlist.substring(0, playlist.lastIndexOf('/') + 1) : "";
        String map = null;
        Double extinf = null;
        int checked = 0;
        for (String line : m3u8.split("\n")) {
            Matcher mapMatch = MAP.matcher(line);
            Matcher infMatch = EXTINF.matcher(line);
            if (mapMatch.find()) {
                map = mapMatch.group(1);
            } else if (infMatch.find()) {
                extinf = Double.parseDouble(infMatch.group(1));
            } else if (!line.isBlank() && !line.startsWith("#") && extinf != null) {
                assertTrue(map != null, playlist + ": segment " + line + " has no EXT-X-MAP before it");
                Path file = workDir.resolve("check-" + line.replace('/', '_') + ".mp4");
                Files.write(file, concat(bytes(dir + map), bytes(dir + line)));
                MediaProbe probe = MediaProbe.of(workDir, file);
                String where = playlist + " " + line + " (EXTINF " + extinf + ")";
                assertEquals("", probe.decodeErrors(), where + ": ffprobe reports errors");
                assertTrue(probe.frameTimes().size() > 1, where + ": no frames decoded");
                double step = probe.duration() / (probe.frameTimes().size() - 1);
                double measured = probe.duration() + step;
                assertEquals(extinf, measured, extinf * 0.10, where + ": the media lasts " + measured + " s");
                extinf = null;
                checked++;
            }
        }
        assertTrue(checked > 0, playlist + " lists no segment:\n" + m3u8);
    }

    /** The MPEG-TS output: its newest segments decode, video with audio. */
    private void checkTransportStream() throws Exception {
        String multivariant = text("ts.m3u8");
        String media = null;
        for (String line : multivariant.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                media = line.trim();
                break;
            }
        }
        assertTrue(media != null, "ts.m3u8 lists no rendition:\n" + multivariant);
        String dir = media.substring(0, media.lastIndexOf('/') + 1);
        String playlist = text(media);
        List<String> segments = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                segments.add(line.trim());
            }
        }
        assertTrue(!segments.isEmpty(), media + " lists no segment");
        for (String segment : segments.subList(Math.max(0, segments.size() - 2), segments.size())) {
            Path file = workDir.resolve("check-ts-" + segment);
            Files.write(file, bytes(dir + segment));
            // The encoder's time base is the segment's own 90 kHz one: with ffmpeg's default
            // (1 / guessed frame rate) two frames 1/90000 s apart collide after rounding and
            // ffmpeg reports it as non-monotonic timestamps, which says nothing about the segment.
            FfmpegCli.Result decoded = FfmpegCli.run(workDir, "ffmpeg", List.of("-v", "error",
                    "-i", file.toString(), "-enc_time_base", "-1", "-f", "null", "-"), 60);
            assertEquals(0, decoded.exitCode(), media + " " + segment + ": " + decoded.stderr());
            assertEquals("", decoded.stderr().trim(), media + " " + segment + " decodes with errors; "
                    + "its video packets (pts,dts):\n" + videoTimestamps(file));
        }
    }

    /** The video packets' timestamps, in the order they are stored, for a failure message. */
    private String videoTimestamps(Path segment) throws Exception {
        FfmpegCli.Result probed = FfmpegCli.run(workDir, "ffprobe", List.of("-v", "error",
                "-select_streams", "v", "-show_entries", "packet=pts,dts,flags", "-of", "csv=p=0",
                segment.toString()), 60);
        return probed.stdout().lines().limit(100).reduce("", (all, line) -> all + line + "\n");
    }

    /** The DASH MPD names a video and an audio Representation with a timeline in its last Period. */
    private void checkDash() throws Exception {
        String mpd = text("manifest.mpd");
        String lastPeriod = mpd.substring(mpd.lastIndexOf("<Period"));
        assertTrue(lastPeriod.contains("contentType=\"video\"") && lastPeriod.contains("<S t="),
                "the MPD's last Period has no video timeline:\n" + mpd);
    }

    private static long lastSequence(String m3u8) {
        Matcher matcher = MEDIA_SEQUENCE.matcher(m3u8);
        long first = matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
        long segments = 0;
        for (String line : m3u8.split("\n")) {
            if (line.startsWith("#EXTINF")) {
                segments++;
            }
        }
        return first + segments - 1;
    }

    String text(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "GET " + base + path);
        return response.body();
    }

    private byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), "GET " + base + path);
        return response.body();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
