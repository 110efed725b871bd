package dev.glasscast.packager.store;

import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-to-VOD: when a rendition's publisher stops, its init segments and every segment held are
 * written under {@code <root>/<stream>/<rendition>/} ({@code init{N}.mp4}, {@code seg{N}.m4s}
 * and a small text {@code index.txt}), so the recording outlives the store's retention and a
 * daemon restart. A reconnect followed by a later stop rewrites the index with the longer
 * recording (segment files are immutable by name, so existing ones are kept).
 *
 * <p>Read side: {@link RenditionLookup} over the recordings, as ended snapshots with one part per
 * segment, loaded into heap buffers on first use and reloaded when the index changes. The
 * daemon serves recordings at the live URLs when the stream is not live ({@link LiveOrRecorded}).
 *
 * <p>Threading: {@link #published} only hands ended snapshots to {@code writer}; reads may come
 * from any thread. Names come from validated {@link StreamPath}s, so no path can leave the root.
 */
public final class RecordingArchive implements RenditionLookup {

    private static final Logger log = LoggerFactory.getLogger(RecordingArchive.class);
    static final String INDEX = "index.txt";
    private static final String MAGIC = "glasscast-recording 1";

    private record Loaded(FileTime indexTime, RenditionSnapshot snapshot) {
    }

    private final Path root;
    private final Executor writer;
    private final Map<StreamPath, Loaded> loaded = new ConcurrentHashMap<>();

    /**
     * @param root   the recordings directory, e.g. {@code <data_dir>/recordings}
     * @param writer runs the file writes, off the publishing thread
     */
    public RecordingArchive(Path root, Executor writer) {
        this.root = root;
        this.writer = writer;
    }

    /** Store publish listener: records a rendition whose publisher stopped. */
    public void published(RenditionSnapshot snapshot) {
        if (snapshot.ended() && !snapshot.segments().isEmpty()) {
            writer.execute(() -> {
                try {
                    write(snapshot);
                } catch (IOException | RuntimeException e) {
                    log.warn("recording {} failed: {}", snapshot.path(), e.toString());
                }
            });
        }
    }

    /** Writes the snapshot's media and then, atomically, its index. */
    void write(RenditionSnapshot snapshot) throws IOException {
        Path dir = root.resolve(snapshot.path().stream()).resolve(snapshot.path().rendition());
        Files.createDirectories(dir);
        StringBuilder index = new StringBuilder(MAGIC).append('\n');
        TrackInfo t = snapshot.track();
        index.append(String.format(Locale.ROOT, "track %d %s %d %d %d %s %d %d %d %s%n", t.trackId(), t.codec().name(),
                t.timescale(), t.width(), t.height(), Double.toString(t.frameRate()), t.sampleRate(), t.channels(),
                t.bitrate(), HexFormat.of().formatHex(t.codecConfig())));
        index.append("max ").append(snapshot.maxSegmentDuration()).append('\n');
        index.append("ended ").append(snapshot.updatedAt()).append('\n');
        long firstHeld = snapshot.segments().getFirst().sequence();
        for (InitSegment init : snapshot.inits()) {
            if (init.firstSequence() > snapshot.segments().getLast().sequence()) {
                continue;
            }
            if (!copy(init.bytes(), dir.resolve("init" + init.firstSequence() + ".mp4"))) {
                return;
            }
            index.append("init ").append(init.firstSequence()).append('\n');
        }
        for (MediaSegment segment : snapshot.segments()) {
            Path file = dir.resolve("seg" + segment.sequence() + ".m4s");
            if (!Files.exists(file)) {
                ByteBuf body = segment.retainedBody(UnpooledByteBufAllocator.DEFAULT);
                if (body == null) {
                    return;
                }
                try {
                    writeAtomically(file, body);
                } finally {
                    body.release();
                }
            }
            index.append("segment ").append(segment.sequence()).append(' ').append(segment.discontinuitySequence())
                    .append(' ').append(segment.discontinuity() ? 1 : 0).append(' ').append(segment.startTime())
                    .append(' ').append(segment.duration()).append(' ').append(segment.timescale()).append(' ')
                    .append(segment.programDateTime()).append(' ').append(segment.createdAt()).append('\n');
        }
        Path temp = dir.resolve(INDEX + ".tmp");
        Files.writeString(temp, index, StandardCharsets.UTF_8);
        Files.move(temp, dir.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("recorded {}: segments {} to {}", snapshot.path(), firstHeld, snapshot.segments().getLast().sequence());
    }

    private static boolean copy(StoredBytes bytes, Path file) throws IOException {
        if (Files.exists(file)) {
            return true;
        }
        ByteBuf body = bytes.retainedSlice();
        if (body == null) {
            return false;
        }
        try {
            writeAtomically(file, body);
            return true;
        } finally {
            body.release();
        }
    }

    private static void writeAtomically(Path file, ByteBuf body) throws IOException {
        byte[] data = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), data);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, data);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (rendition.isSource()) {
            return Optional.empty();
        }
        Path dir = root.resolve(rendition.stream()).resolve(rendition.rendition());
        Path index = dir.resolve(INDEX);
        try {
            if (!Files.isRegularFile(index)) {
                return Optional.empty();
            }
            FileTime time = Files.getLastModifiedTime(index);
            Loaded cached = loaded.get(rendition);
            if (cached != null && cached.indexTime().equals(time)) {
                return Optional.of(cached.snapshot());
            }
            RenditionSnapshot snapshot = load(rendition, dir);
            loaded.put(rendition, new Loaded(time, snapshot));
            return Optional.of(snapshot);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read recording {}: {}", rendition, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        Path dir = root.resolve(stream);
        if (!StreamPath.isValidName(stream) || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<RenditionSnapshot> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (StreamPath.isValidName(name)) {
                    find(StreamPath.rendition(stream, name)).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            log.warn("cannot list recordings of {}: {}", stream, e.toString());
        }
        found.sort(Comparator.comparing(s -> s.path().rendition()));
        return found;
    }

    private static RenditionSnapshot load(StreamPath path, Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(INDEX), StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw new IOException("not a recording index");
        }
        TrackInfo track = null;
        long max = 0;
        Instant ended = null;
        List<InitSegment> inits = new ArrayList<>();
        List<MediaSegment> segments = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "track" -> track = new TrackInfo(Integer.parseInt(f[1]), Codec.valueOf(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Double.parseDouble(f[6]), Integer.parseInt(f[7]),
                        Integer.parseInt(f[8]), Long.parseLong(f[9]), HexFormat.of().parseHex(f[10]));
                case "max" -> max = Long.parseLong(f[1]);
                case "ended" -> ended = Instant.parse(f[1]);
                case "init" -> inits.add(new InitSegment(Long.parseLong(f[1]),
                        stored(Files.readAllBytes(dir.resolve("init" + f[1] + ".mp4")))));
                case "segment" -> {
                    long sequence = Long.parseLong(f[1]);
                    long start = Long.parseLong(f[4]);
                    long duration = Long.parseLong(f[5]);
                    StoredBytes bytes = stored(Files.readAllBytes(dir.resolve("seg" + sequence + ".m4s")));
                    segments.add(new MediaSegment(sequence, Long.parseLong(f[2]), f[3].equals("1"), start, duration,
                            Integer.parseInt(f[6]), Instant.parse(f[7]), List.of(new SegmentPart(start, duration, true, bytes)),
                            Instant.parse(f[8])));
                }
                default -> throw new IOException("unknown index line: " + line);
            }
        }
        if (track == null || inits.isEmpty() || segments.isEmpty() || ended == null) {
            throw new IOException("incomplete recording index");
        }
        return new RenditionSnapshot(path, track, Fmp4Track.of(track), inits.getLast().bytes(), segments, List.of(),
                max, true, ended, segments.getLast().sequence() + 1, inits);
    }

    /** Heap bytes nobody releases: the garbage collector frees them with the snapshot. */
    private static StoredBytes stored(byte[] data) {
        return new StoredBytes(Unpooled.wrappedBuffer(data));
    }
}
