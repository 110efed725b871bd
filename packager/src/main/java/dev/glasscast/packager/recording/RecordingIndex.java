package dev.glasscast.packager.recording;

import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentBytes;
import dev.glasscast.packager.window.SegmentPart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The format of a recording's {@code index.txt} and the names of its files: every line is written
 * and parsed here, so the writer, the trimmer and the lookup cannot disagree on it.
 *
 * <p>Version 2 (version 1, written whole when a publisher stopped, is still read):
 * <pre>
 * glasscast-recording 2
 * track &lt;id&gt; &lt;codec&gt; &lt;timescale&gt; &lt;width&gt; &lt;height&gt; &lt;fps&gt; &lt;rate&gt; &lt;channels&gt; &lt;bitrate&gt; &lt;config hex&gt;
 * init &lt;first sequence&gt;
 * segment &lt;seq&gt; &lt;discontinuity seq&gt; &lt;0|1&gt; &lt;start&gt; &lt;duration&gt; &lt;timescale&gt; &lt;pdt&gt; &lt;created&gt; &lt;bytes&gt;
 * ended &lt;instant&gt;
 * </pre>
 * ({@code track} + {@code init} again at each new init segment; {@code ended} at each stop.)
 * Lines are appended as segments are made durable, so a reader stops at a torn last line (a crash
 * while appending) and a recording without an {@code ended} line after its last segment reads as
 * interrupted.
 */
final class RecordingIndex {

    private static final Logger log = LoggerFactory.getLogger(RecordingIndex.class);
    static final String FILE = "index.txt";
    private static final String MAGIC_V1 = "glasscast-recording 1";
    private static final String MAGIC = "glasscast-recording 2";

    private RecordingIndex() {
    }

    static Path segmentFile(Path dir, long sequence) {
        return dir.resolve("seg" + sequence + ".m4s");
    }

    static Path initFile(Path dir, long firstSequence) {
        return dir.resolve("init" + firstSequence + ".mp4");
    }

    // ---- writing ----

    /** The first line of a new index. */
    static String header() {
        return MAGIC + "\n";
    }

    /** The lines that start a period: its track, then its init segment. */
    static String periodLines(TrackInfo t, long initFirstSequence) {
        return String.format(Locale.ROOT, "track %d %s %d %d %d %s %d %d %d %s%n", t.trackId(),
                t.codec().name(), t.timescale(), t.width(), t.height(), Double.toString(t.frameRate()),
                t.sampleRate(), t.channels(), t.bitrate(), HexFormat.of().formatHex(t.codecConfig()))
                + "init " + initFirstSequence + '\n';
    }

    /** @param discontinuity the segment follows a break: its own, or a gap in the recording */
    static String segmentLine(MediaSegment segment, boolean discontinuity) {
        return "segment " + segment.sequence() + ' ' + segment.discontinuitySequence() + ' '
                + (discontinuity ? 1 : 0) + ' ' + segment.startTime() + ' ' + segment.duration() + ' '
                + segment.timescale() + ' ' + segment.programDateTime() + ' ' + segment.createdAt() + ' '
                + segment.size() + '\n';
    }

    static String endedLine(Instant at) {
        return "ended " + at + "\n";
    }

    // ---- reading ----

    /** The index's lines up to its last line break: a torn last line is left out. */
    static List<String> completeLines(Path dir) throws IOException {
        String text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
        int complete = text.lastIndexOf('\n');
        return complete < 0 ? List.of() : List.of(text.substring(0, complete).split("\n"));
    }

    /** The size of {@code file}, or -1 if it is not there (never written, or deleted meanwhile). */
    private static long sizeOf(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * Reads a recording's index: its segments as ended, one part each, bytes left on disk. Null if
     * it lists no playable segment yet. Stops at a torn or unreadable line (a crash while
     * appending); skips a segment whose file is missing or short, and marks the next one as a
     * discontinuity.
     */
    static RenditionSnapshot load(StreamPath path, Path dir) throws IOException {
        List<String> lines = completeLines(dir);
        if (lines.isEmpty() || !(lines.getFirst().equals(MAGIC) || lines.getFirst().equals(MAGIC_V1))) {
            throw new IOException("not a recording index");
        }
        boolean v1 = lines.getFirst().equals(MAGIC_V1);
        TrackInfo track = null;
        long max = 0;
        Instant endedLine = null;
        boolean endedAfterLast = false;
        boolean gap = false;
        InitSegment currentInit = null;
        List<InitSegment> inits = new ArrayList<>();
        List<MediaSegment> segments = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "track" -> track = new TrackInfo(Integer.parseInt(f[1]), Codec.valueOf(f[2]),
                            Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                            Double.parseDouble(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]),
                            Long.parseLong(f[9]), HexFormat.of().parseHex(f[10]));
                    case "max" -> max = Math.max(max, Long.parseLong(f[1]));
                    case "ended" -> {
                        endedLine = Instant.parse(f[1]);
                        endedAfterLast = true;
                    }
                    case "init" -> {
                        Path file = initFile(dir, Long.parseLong(f[1]));
                        long size = sizeOf(file);
                        currentInit = size >= 0 && track != null
                                ? new InitSegment(Long.parseLong(f[1]), SegmentBytes.onDisk(file, 0, (int) size), track)
                                : null;
                        if (currentInit == null) {
                            log.warn("recording {}: {} is missing; its segments are skipped", path, file);
                        }
                    }
                    case "segment" -> {
                        long sequence = Long.parseLong(f[1]);
                        long start = Long.parseLong(f[4]);
                        long duration = Long.parseLong(f[5]);
                        Path file = segmentFile(dir, sequence);
                        long onDisk = sizeOf(file);
                        long size = v1 ? onDisk : Long.parseLong(f[9]);
                        endedAfterLast = false;
                        if (currentInit == null || onDisk < 0 || onDisk < size || size > Integer.MAX_VALUE) {
                            gap = true;
                            continue;
                        }
                        if (inits.isEmpty() || inits.getLast() != currentInit) {
                            inits.add(currentInit);
                        }
                        SegmentBytes bytes = SegmentBytes.onDisk(file, 0, (int) size);
                        segments.add(new MediaSegment(sequence, Long.parseLong(f[2]), f[3].equals("1") || gap, start,
                                duration, Integer.parseInt(f[6]), Instant.parse(f[7]),
                                List.of(new SegmentPart(start, duration, true, bytes)), Instant.parse(f[8])));
                        max = Math.max(max, duration);
                        gap = false;
                    }
                    default -> throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) {
                log.warn("recording {}: index line {} unreadable ({}); reading up to it", path, i + 1, e.toString());
                break;
            }
        }
        if (track == null || segments.isEmpty()) {
            return null;
        }
        // Version 1 wrote its ended line first. A version 2 recording without one after its last
        // segment was interrupted (crash, kill -9): it ended with its last segment.
        Instant ended = v1 && endedLine != null ? endedLine
                : endedAfterLast ? endedLine : segments.getLast().createdAt();
        return new RenditionSnapshot(path, track, Fmp4Track.of(track), inits.getLast().bytes(), segments, List.of(),
                max, true, ended, segments.getLast().sequence() + 1, inits);
    }

    // ---- trimming ----

    /** One segment line of an index being trimmed, with the lines its init segment needs. */
    record IndexedSegment(int line, long sequence, long durationNanos, Instant createdAt, long bytes,
                          long initSequence, int trackLine, int initLine) {
    }

    /** The segment lines of a version 2 index ({@link #completeLines}), oldest first. */
    static List<IndexedSegment> segmentsForTrim(List<String> lines) throws IOException {
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw new IOException("not a version 2 recording index");
        }
        List<IndexedSegment> segments = new ArrayList<>();
        int trackLine = -1;
        int initLine = -1;
        long initSequence = -1;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("segment") && (trackLine < 0 || initLine < 0)) {
                throw new IOException("segment before its track and init lines, line " + (i + 1));
            }
            switch (f[0]) {
                case "track" -> trackLine = i;
                case "init" -> {
                    initLine = i;
                    initSequence = Long.parseLong(f[1]);
                }
                case "segment" -> segments.add(new IndexedSegment(i, Long.parseLong(f[1]),
                        Long.parseLong(f[5]) * 1_000_000_000L / Integer.parseInt(f[6]), Instant.parse(f[8]),
                        Long.parseLong(f[9]), initSequence, trackLine, initLine));
                default -> {
                    // ended: not needed to read what is kept.
                }
            }
        }
        return segments;
    }

    /**
     * The index from {@code firstKept} on: it starts with the {@code track} and {@code init} lines
     * of that segment, so the recording reads the same from it on (a start, not a discontinuity).
     */
    static byte[] trimmed(List<String> lines, IndexedSegment firstKept) {
        StringBuilder text = new StringBuilder(MAGIC).append('\n')
                .append(lines.get(firstKept.trackLine())).append('\n')
                .append(lines.get(firstKept.initLine())).append('\n');
        for (String line : lines.subList(firstKept.line(), lines.size())) {
            text.append(line).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
