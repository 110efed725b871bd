package dev.glasscast.packager.recording;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads recordings as renditions. An index is parsed again only when its time or size changed
 * since it was last read, so serving a recording costs a stat of its index, not a parse.
 *
 * <p>Threading: any thread. Segment bytes stay on disk and are read when served.
 */
final class RecordingLookup implements RenditionLookup {

    private static final Logger log = LoggerFactory.getLogger(RecordingLookup.class);

    private record Loaded(FileTime indexTime, long indexSize, RenditionSnapshot snapshot) {
    }

    private final Path root;
    private final Map<StreamPath, Loaded> loaded = new ConcurrentHashMap<>();

    RecordingLookup(Path root) {
        this.root = root;
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (rendition.isSource()) {
            return Optional.empty();
        }
        Path dir = RecordingArchive.directory(root, rendition);
        Path index = dir.resolve(RecordingIndex.FILE);
        try {
            if (!Files.isRegularFile(index)) {
                loaded.remove(rendition);
                return Optional.empty();
            }
            FileTime time = Files.getLastModifiedTime(index);
            long size = Files.size(index);
            Loaded cached = loaded.get(rendition);
            if (cached != null && cached.indexTime().equals(time) && cached.indexSize() == size) {
                return Optional.ofNullable(cached.snapshot());
            }
            RenditionSnapshot snapshot = RecordingIndex.load(rendition, dir);
            loaded.put(rendition, new Loaded(time, size, snapshot));
            return Optional.ofNullable(snapshot);
        } catch (NoSuchFileException e) {
            // Deleted meanwhile to keep within the limit: as if never recorded.
            loaded.remove(rendition);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read recording {}: {}", rendition, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        if (!StreamPath.isValidName(stream)) {
            return List.of();
        }
        Path dir = root.resolve(stream);
        if (!Files.isDirectory(dir)) {
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
        } catch (NoSuchFileException e) {
            // Its last recording was deleted meanwhile.
        } catch (IOException e) {
            log.warn("cannot list recordings of {}: {}", stream, e.toString());
        }
        found.sort(Comparator.comparing(s -> s.path().rendition()));
        return found;
    }

    /** Forgets what was read of the recording in {@code dir}, which is about to be deleted. */
    void forget(Path dir) {
        loaded.keySet().removeIf(path -> RecordingArchive.directory(root, path).equals(dir));
    }
}
