package dev.glasscast.server.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.e2e.FfmpegCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The one check every row of the source matrix passes through, reading the daemon's outputs as
 * clients do. While the publisher runs, every rendition's LL-HLS playlist must advance. Once it
 * has left and the last segments are out: every segment listed in every fMP4 playlist (copy rung,
 * transcoded rung, audio) is fetched with its init segment and decoded by ffprobe with no error,
 * starts with a key frame (video), and lasts, by its own timestamps, what its EXTINF says within
 * 10 %; every segment of the TS playlists likewise; and the DASH MPD lists the same segments with
 * the same durations within 10 %.
 */
final class OutputCheck {

    /** EXTINF and the media's own duration may differ by this fraction (issue 14). */
    static final double TOLERANCE = 0.10;
    /** EXTINF is written with 3 decimals. */
    private static final double ROUNDING = 0.0015;

    /**
     * What the source is, as the outputs must show it.
     *
     * @param fps        frames per second of the copy rung, or 0 not to check
     * @param minSeconds the copy rung (or audio) must list at least this much media
     */
    record Expect(boolean video, boolean audio, int width, int height, double fps, int sampleRate, int channels,
                  double minSeconds) {

        static Expect av(int width, int height, double fps, int sampleRate, int channels, double minSeconds) {
            return new Expect(true, true, width, height, fps, sampleRate, channels, minSeconds);
        }
    }

    private final MatrixDaemon daemon;
    private final Path dir;
    private final Set<String> renditions = new LinkedHashSet<>();
    private final Map<String, Integer> advances = new LinkedHashMap<>();
    private final Map<String, Long> lastSequence = new LinkedHashMap<>();
    /** Measured seconds of each fMP4 segment, by rendition-relative URI ({@code source/seg5.m4s}). */
    private final Map<String, Double> measured = new LinkedHashMap<>();
    private final List<String> seen = new ArrayList<>();
    private int probes;

    OutputCheck(MatrixDaemon daemon, Path dir) {
        this.daemon = daemon;
        this.dir = dir;
    }

    /**
     * Reloads every playlist twice a second while {@code publisher} runs (at most {@code limit}),
     * counting for each rendition how often a new segment appeared, then waits for the
     * publication to end and its last segments to be listed.
     */
    void watchWhileLive(FfmpegCli.Running publisher, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (publisher.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the publisher still runs after " + limit + ":\n" + publisher.stderr());
            reloadAll();
            Thread.sleep(500);
        }
        FfmpegCli.Result result = publisher.await(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, result.exitCode(), "the publisher failed:\n" + result.stderr());
        awaitEnd();
        assertFalse(renditions.isEmpty(), "no rendition was ever listed in index.m3u8");
        for (String rendition : renditions) {
            int advanced = advances.getOrDefault(rendition, 0);
            assertTrue(advanced >= 3, rendition + " advanced only " + advanced + " times while live");
        }
    }

    private void reloadAll() throws Exception {
        HttpResponse<String> multivariant = daemon.get(daemon.base() + "index.m3u8");
        if (multivariant.statusCode() == 200) {
            renditions.addAll(MediaPlaylist.renditionPlaylists(multivariant.body()));
        }
        for (String rendition : renditions) {
            HttpResponse<String> playlist = daemon.get(daemon.base() + rendition);
            if (playlist.statusCode() != 200) {
                continue;
            }
            long last = MediaPlaylist.parse(playlist.body()).lastSequence();
            Long before = lastSequence.put(rendition, last);
            if (before != null && last > before) {
                advances.merge(rendition, 1, Integer::sum);
            }
        }
    }

    /**
     * The publisher is gone once the hub lets go of the stream; the transcoder then drains, and
     * each rendition's open segment is closed and listed. That is over when no playlist lists
     * parts after its last segment and a reload half a second later lists the same segments.
     */
    private void awaitEnd() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, String> previous = Map.of();
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the outputs did not settle after the publisher left: " + previous);
            if (!daemon.published()) {
                Map<String, String> now = new LinkedHashMap<>();
                boolean open = false;
                for (String rendition : renditions) {
                    String text = daemon.get(daemon.base() + rendition).body();
                    String tail = text.substring(Math.max(0, text.lastIndexOf("#EXTINF:")));
                    open |= tail.contains("#EXT-X-PART:");
                    now.put(rendition, String.valueOf(MediaPlaylist.parse(text).segments()));
                }
                if (!open && now.equals(previous)) {
                    return;
                }
                previous = now;
            }
            Thread.sleep(500);
        }
    }

    /** The rendition playlists index.m3u8 listed while the publisher was live. */
    Set<String> renditions() {
        return Set.copyOf(renditions);
    }

    /** Checks every output; returns one line per output for the report. */
    List<String> verify(Expect expect) throws Exception {
        boolean sawVideo = false;
        boolean sawAudio = false;
        for (String rendition : renditions) {
            String name = rendition.substring(0, rendition.indexOf('/'));
            boolean audio = name.equals("audio");
            sawAudio |= audio;
            sawVideo |= !audio;
            checkFmp4(name, audio, expect);
        }
        assertEquals(expect.video(), sawVideo, "video renditions listed: " + renditions);
        assertEquals(expect.audio(), sawAudio, "audio rendition listed: " + renditions);
        if (expect.video()) {
            checkTs(expect);
        }
        checkDash();
        seen.add("ffprobe runs: " + probes);
        return seen;
    }

    private void checkFmp4(String name, boolean audio, Expect expect) throws Exception {
        String base = daemon.base() + name + "/";
        MediaPlaylist playlist = MediaPlaylist.parse(daemon.get(base + "index.m3u8").body());
        assertFalse(playlist.segments().isEmpty(), name + " lists no segment");
        List<SegmentProbe> probes = probeAll(base, playlist.segments(), "mp4");
        long frames = 0;
        double mediaSeconds = 0;
        SegmentProbe.StreamProbe format = null;
        for (int i = 0; i < probes.size(); i++) {
            MediaPlaylist.Segment segment = playlist.segments().get(i);
            String where = name + "/" + segment.uri();
            SegmentProbe probe = probes.get(i);
            assertEquals(1, probe.streams().size(), where + " streams: " + probe.streams());
            SegmentProbe.StreamProbe stream = probe.streams().getFirst();
            assertTrue(stream.framesDecoded() > 0, where + " decoded no frame: " + stream);
            assertEquals(audio ? "audio" : "video", stream.type(), where);
            if (audio) {
                assertEquals("aac", stream.codec(), where);
                assertEquals(expect.sampleRate(), stream.sampleRate(), where + " sample rate");
                assertEquals(expect.channels(), stream.channels(), where + " channels");
            } else {
                // An HEVC source also passes through as it is, beside the H.264 renditions.
                boolean hevc = name.equals(MatrixDaemon.COPY + "-hevc");
                assertEquals(hevc ? "hevc" : "h264", stream.codec(), where);
                assertTrue(stream.startsWithKey(), where + " does not start with a key frame");
                if ((name.equals(MatrixDaemon.COPY) || hevc) && expect.width() > 0) {
                    assertEquals(expect.width() + "x" + expect.height(), stream.width() + "x" + stream.height(), where);
                } else if (!name.equals(MatrixDaemon.COPY) && !hevc) {
                    assertEquals(MatrixDaemon.TRANSCODED_HEIGHT, stream.height(), where + " height");
                }
            }
            double duration = duration(probes, playlist.segments(), i);
            assertDuration(where + " " + stream, segment.extinf(), duration);
            measured.put(name + "/" + segment.uri(), duration);
            frames += stream.framesDecoded();
            mediaSeconds += duration;
            format = stream;
        }
        if (name.equals(MatrixDaemon.COPY) || (name.equals("audio") && !expect.video())) {
            assertTrue(playlist.totalSeconds() >= expect.minSeconds(), name + " lists " + playlist.totalSeconds()
                    + " s, expected at least " + expect.minSeconds());
        }
        if (name.equals(MatrixDaemon.COPY) && expect.fps() > 0) {
            double fps = frames / mediaSeconds;
            assertTrue(Math.abs(fps - expect.fps()) <= expect.fps() * 0.02, name + " plays at " + fps + " fps, expected "
                    + expect.fps());
        }
        seen.add("HLS fMP4 " + name + ": " + playlist.segments().size() + " segments, " + round(playlist.totalSeconds())
                + " s, " + frames + " frames decoded, " + describe(format) + ", " + playlist.discontinuities()
                + " discontinuities");
    }

    private void checkTs(Expect expect) throws Exception {
        List<String> tsRenditions = MediaPlaylist.renditionPlaylists(daemon.get(daemon.base() + "ts.m3u8").body());
        assertFalse(tsRenditions.isEmpty(), "ts.m3u8 lists no rendition");
        for (String rendition : tsRenditions) {
            String base = daemon.base() + rendition.substring(0, rendition.lastIndexOf('/') + 1);
            MediaPlaylist playlist = MediaPlaylist.parse(daemon.get(daemon.base() + rendition).body());
            assertFalse(playlist.segments().isEmpty(), rendition + " lists no segment");
            List<SegmentProbe> probes = probeAll(base, playlist.segments(), "ts");
            boolean audioBegan = false;
            for (int i = 0; i < probes.size(); i++) {
                MediaPlaylist.Segment segment = playlist.segments().get(i);
                String where = rendition + " " + segment.uri();
                SegmentProbe probe = probes.get(i);
                boolean hasAudio = probe.streams().stream().anyMatch(stream -> stream.type().equals("audio"));
                // Segments from before a late audio track's first frame carry video alone.
                assertTrue(expect.audio() ? hasAudio || !audioBegan : !hasAudio, where + " streams: " + probe.streams());
                audioBegan |= hasAudio;
                assertEquals("video", probe.main().type(), where + " streams: " + probe.streams());
                for (SegmentProbe.StreamProbe stream : probe.streams()) {
                    assertTrue(stream.framesDecoded() > 0, where + " decoded no frame: " + stream);
                }
                SegmentProbe.StreamProbe video = probe.main();
                assertTrue(video.startsWithKey(), where + " does not start with a key frame");
                assertDuration(where + " " + video, segment.extinf(), duration(probes, playlist.segments(), i));
            }
            assertEquals(expect.audio(), audioBegan, rendition + " carries audio");
            seen.add("HLS TS " + rendition + ": " + playlist.segments().size() + " segments, "
                    + round(playlist.totalSeconds()) + " s");
        }
    }

    /**
     * Probes the segments of a playlist, one ffprobe run per init segment (all, for TS), and
     * fails with the segments that do not decode cleanly on their own if there was any error.
     */
    private List<SegmentProbe> probeAll(String base, List<MediaPlaylist.Segment> segments, String extension)
            throws Exception {
        List<SegmentProbe> probes = new ArrayList<>();
        int from = 0;
        while (from < segments.size()) {
            String init = segments.get(from).init();
            int to = from;
            while (to < segments.size() && java.util.Objects.equals(segments.get(to).init(), init)) {
                to++;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (init != null) {
                bytes.writeBytes(daemon.getBytes(base + init));
            }
            long[] starts = new long[to - from];
            List<byte[]> each = new ArrayList<>();
            for (int i = from; i < to; i++) {
                starts[i - from] = bytes.size();
                byte[] segment = daemon.getBytes(base + segments.get(i).uri());
                each.add(segment);
                bytes.writeBytes(segment);
            }
            List<SegmentProbe> group = probe(bytes.toByteArray(), starts, extension);
            if (!group.getFirst().errors().isEmpty()) {
                throw new AssertionError("decode errors in " + base + " " + segments.subList(from, to).stream()
                        .map(MediaPlaylist.Segment::uri).toList() + ": " + group.getFirst().errors()
                        + "\nsegments with errors on their own: " + failingAlone(base, init, segments.subList(from, to), each, extension));
            }
            probes.addAll(group);
            from = to;
        }
        return probes;
    }

    private String failingAlone(String base, String init, List<MediaPlaylist.Segment> segments, List<byte[]> bytes,
                                String extension) throws Exception {
        byte[] initBytes = init == null ? new byte[0] : daemon.getBytes(base + init);
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            ByteArrayOutputStream alone = new ByteArrayOutputStream();
            alone.writeBytes(initBytes);
            alone.writeBytes(bytes.get(i));
            SegmentProbe probe = probe(alone.toByteArray(), new long[] {initBytes.length}, extension).getFirst();
            if (!probe.errors().isEmpty()) {
                failing.add(segments.get(i).uri() + " " + probe.streams() + ": " + probe.errors());
            }
        }
        return failing.toString();
    }

    /** The MPD lists every segment HLS lists, with the same duration within the tolerance. */
    private void checkDash() throws Exception {
        String mpd = daemon.get(daemon.base() + "manifest.mpd").body();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(mpd.getBytes()));
        NodeList periods = document.getElementsByTagName("Period");
        Set<String> listed = new LinkedHashSet<>();
        NodeList representations = document.getElementsByTagName("Representation");
        for (int i = 0; i < representations.getLength(); i++) {
            Element representation = (Element) representations.item(i);
            Element template = (Element) representation.getElementsByTagName("SegmentTemplate").item(0);
            double timescale = Double.parseDouble(template.getAttribute("timescale"));
            long number = Long.parseLong(template.getAttribute("startNumber"));
            String media = template.getAttribute("media");
            fetch(daemon.base() + template.getAttribute("initialization"));
            NodeList entries = template.getElementsByTagName("S");
            for (int s = 0; s < entries.getLength(); s++) {
                Element entry = (Element) entries.item(s);
                long d = Long.parseLong(entry.getAttribute("d"));
                int repeat = entry.hasAttribute("r") ? Integer.parseInt(entry.getAttribute("r")) : 0;
                for (int r = 0; r <= repeat; r++, number++) {
                    String uri = media.replace("$Number$", Long.toString(number));
                    Double seconds = measured.get(uri);
                    if (seconds != null) {
                        assertDuration("DASH " + uri, d / timescale, seconds);
                        listed.add(uri);
                    }
                }
            }
        }
        Set<String> missing = new LinkedHashSet<>(measured.keySet());
        missing.removeAll(listed);
        assertTrue(missing.isEmpty(), "segments HLS lists but the MPD does not: " + missing + "\n" + mpd);
        seen.add("DASH: " + periods.getLength() + " periods, " + listed.size() + " segments matched HLS");
    }

    /**
     * Segment {@code i}'s duration by its media's own timestamps: up to the start of the next
     * segment on the same timeline (probed in the same file, no discontinuity between), else to
     * the end of its last packet.
     */
    private static double duration(List<SegmentProbe> probes, List<MediaPlaylist.Segment> segments, int i) {
        SegmentProbe.StreamProbe stream = probes.get(i).main();
        boolean followed = !probes.get(i).lastOfFile() && i + 1 < probes.size()
                && !segments.get(i + 1).afterDiscontinuity() && probes.get(i + 1).main() != null;
        return followed ? probes.get(i + 1).main().startSeconds() - stream.startSeconds() : stream.durationSeconds();
    }

    private static void assertDuration(String where, double declared, double actual) {
        assertTrue(Math.abs(actual - declared) <= declared * TOLERANCE + ROUNDING,
                where + " lasts " + actual + " s by its timestamps but is listed as " + declared + " s");
    }

    private List<SegmentProbe> probe(byte[] bytes, long[] segmentStarts, String extension) throws Exception {
        Path file = dir.resolve("probe-" + (++probes) + "." + extension);
        Files.write(file, bytes);
        List<SegmentProbe> probe = SegmentProbe.of(dir, file, segmentStarts);
        Files.delete(file);
        return probe;
    }

    private byte[] fetch(String url) {
        try {
            return daemon.getBytes(url);
        } catch (Exception e) {
            throw new AssertionError("could not fetch " + url, e);
        }
    }

    private static String describe(SegmentProbe.StreamProbe stream) {
        return stream.type().equals("video") ? stream.codec() + " " + stream.width() + "x" + stream.height()
                : stream.codec() + " " + stream.sampleRate() + " Hz " + stream.channels() + " ch";
    }

    private static String round(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds);
    }
}
