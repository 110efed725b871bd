package dev.glasscast.packager.cmaf;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.DiskReads;
import dev.glasscast.packager.FileSpan;
import dev.glasscast.packager.NamedObjectsOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.SegmentStreaming;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import dev.glasscast.packager.window.SnapshotWaiters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves the CMAF objects of every rendition from the segment store, the same bytes under the
 * same names for HLS playlists and the DASH MPD:
 * <pre>
 * /live/{stream}/{rendition}/init{N}.mp4      init segment of the publication starting at segment N
 * /live/{stream}/{rendition}/seg{N}.m4s       media segment N
 * /live/{stream}/{rendition}/part{N}.{I}.m4s  part I of segment N (also while N is being written)
 * </pre>
 * Names that cannot be valid get 400; valid names of things that do not exist (yet) get 404,
 * which players retry. A request for the part an LL-HLS preload hint names (the next part, or the
 * first of the next segment) waits for it, through {@link SnapshotWaiters}, so no thread waits.
 * Low-latency DASH reads a segment while it is being written: {@link #streamIfOpen} sends it part
 * by part.
 *
 * <p>Buffer ownership: each response body belongs to the caller; bodies are retained read-only
 * slices of the store's buffers (no bytes copied).
 */
public final class CmafObjectOrigin implements NamedObjectsOrigin, SegmentStreaming {

    private final RenditionLookup store;
    private final SnapshotWaiters waiters;
    private final ByteBufAllocator allocator;
    private final DiskReads diskReads;
    private final RecordedSegmentFiles recordedFiles;

    /**
     * @param store         where renditions are read
     * @param waiters       completed by the store as it publishes (hinted parts, streamed segments)
     * @param allocator     for the composite buffers of multi-part segment bodies
     * @param diskReads     where media whose bytes are on disk is read, never on the calling thread
     * @param recordedFiles segments still in memory that it knows on disk carry their file
     *                      ({@link OriginResponse#file()}), so the HTTP layer can send them with sendfile
     */
    public CmafObjectOrigin(RenditionLookup store, SnapshotWaiters waiters, ByteBufAllocator allocator,
                            DiskReads diskReads, RecordedSegmentFiles recordedFiles) {
        this.store = store;
        this.waiters = Objects.requireNonNull(waiters, "waiters");
        this.allocator = allocator;
        this.diskReads = diskReads;
        this.recordedFiles = recordedFiles;
    }

    @Override
    public boolean serves(OriginRequest request) {
        return CmafResource.parse(request.resource()) != null;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        String invalidName = request.invalidNameReason();
        if (invalidName != null) {
            return completed(OriginResponse.badRequest(invalidName));
        }
        CmafResource resource = CmafResource.parse(request.resource());
        if (resource == null) {
            return completed(OriginResponse.badRequest("unknown CMAF object name"));
        }
        if (request.rendition() == null) {
            return completed(OriginResponse.notFound("no " + request.resource() + " at stream level"));
        }
        Optional<RenditionSnapshot> found = store.find(StreamPath.rendition(request.stream(), request.rendition()));
        if (found.isEmpty()) {
            return completed(OriginResponse.notFound("no rendition " + request.stream() + "/" + request.rendition()));
        }
        RenditionSnapshot rendition = found.get();
        return switch (resource) {
            case CmafResource.Init i -> diskReads.render(inMemory(rendition.initNamed(i.firstSequence())),
                    () -> init(rendition, i.firstSequence()));
            case CmafResource.Segment s -> diskReads.render(inMemory(rendition.segment(s.sequence())),
                    () -> segment(rendition, s.sequence()));
            case CmafResource.Part p -> part(rendition, p.sequence(), p.index());
        };
    }

    private static boolean inMemory(InitSegment init) {
        return init == null || init.bytes().inMemory();
    }

    private static boolean inMemory(MediaSegment segment) {
        return segment == null || segment.inMemory();
    }

    private static CompletionStage<OriginResponse> completed(OriginResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** How long a request for media that does not exist yet waits for it. */
    private static Duration waitLimit(RenditionSnapshot rendition) {
        return Duration.ofSeconds(3 * rendition.targetDurationSeconds());
    }

    private OriginResponse init(RenditionSnapshot rendition, long firstSequence) {
        InitSegment init = rendition.initNamed(firstSequence);
        ByteBuf body = init == null ? null : init.bytes().retainedSlice(allocator);
        if (body == null) {
            return OriginResponse.notFound("no init segment " + firstSequence + " in " + rendition.path());
        }
        return new OriginResponse(200, OriginResponse.MP4, CacheKind.IMMUTABLE_MEDIA, null, body);
    }

    private OriginResponse segment(RenditionSnapshot rendition, long sequence) {
        MediaSegment segment = rendition.segment(sequence);
        if (segment == null) {
            return OriginResponse.notFound("no segment " + sequence + " in " + rendition.path());
        }
        ByteBuf body = segment.retainedBody(allocator);
        if (body == null) {
            return OriginResponse.notFound("segment " + sequence + " of " + rendition.path() + " was evicted");
        }
        FileSpan file = segment.file();
        if (file == null) {
            Path recorded = recordedFiles.fileOf(rendition.path(), sequence);
            file = recorded == null ? null : new FileSpan(recorded, 0, segment.size());
        }
        return new OriginResponse(200, OriginResponse.M4S, CacheKind.IMMUTABLE_MEDIA, segment.createdAt(), body, file);
    }

    /** A part that exists at once; the part a preload hint names once it exists. */
    private CompletionStage<OriginResponse> part(RenditionSnapshot rendition, long sequence, int index) {
        SegmentPart existing = rendition.part(sequence, index);
        if (existing != null || rendition.ended()) {
            return diskReads.render(existing == null || existing.bytes().inMemory(),
                    () -> partNow(rendition, sequence, index));
        }
        long open = rendition.nextSequence();
        boolean hinted = (sequence == open && index == rendition.openParts().size()) || (sequence == open + 1 && index == 0);
        if (!hinted) {
            return completed(partNow(rendition, sequence, index));
        }
        return waiters.await(store, rendition.path(), s -> s.part(sequence, index) != null || s.nextSequence() > sequence,
                        waitLimit(rendition))
                .thenApply(reached -> partNow(store.find(rendition.path()).or(() -> reached).orElse(rendition),
                        sequence, index));
    }

    private OriginResponse partNow(RenditionSnapshot rendition, long sequence, int index) {
        SegmentPart part = rendition.part(sequence, index);
        ByteBuf body = part == null ? null : part.bytes().retainedSlice(allocator);
        if (body == null) {
            return OriginResponse.notFound("no part " + sequence + "." + index + " in " + rendition.path());
        }
        return new OriginResponse(200, OriginResponse.M4S, CacheKind.IMMUTABLE_MEDIA, null, body);
    }

    /**
     * Streams {@code seg{N}.m4s} part by part while it is being written (N the open segment, or
     * the next one, which is waited for): low-latency DASH announces a segment before it is
     * complete (availabilityTimeOffset), and players read it with chunked transfer as parts are cut.
     */
    @Override
    public boolean streamIfOpen(OriginRequest request, PartSink sink) {
        if (request.rendition() == null || request.invalidNameReason() != null
                || !(CmafResource.parse(request.resource()) instanceof CmafResource.Segment segment)) {
            return false;
        }
        StreamPath path = StreamPath.rendition(request.stream(), request.rendition());
        Optional<RenditionSnapshot> found = store.find(path);
        if (found.isEmpty() || found.get().ended()) {
            return false;
        }
        long open = found.get().nextSequence();
        if (segment.sequence() != open && segment.sequence() != open + 1) {
            return false;
        }
        sendPartsAsTheyExist(path, segment.sequence(), 0, 0, sink, waitLimit(found.get()));
        return true;
    }

    /**
     * Sends every part of segment {@code sequence} from {@code index} on as it exists, then the
     * end, complete only if what was sent ({@code sent} bytes so far) is the whole segment.
     */
    private void sendPartsAsTheyExist(StreamPath path, long sequence, int index, long sent, PartSink sink,
                                      Duration timeout) {
        int next = index;
        long bytes = sent;
        while (true) {
            Optional<RenditionSnapshot> now = store.find(path);
            if (now.isEmpty()) {
                sink.end(false);
                return;
            }
            RenditionSnapshot rendition = now.get();
            SegmentPart part = rendition.part(sequence, next);
            if (part != null) {
                ByteBuf body = part.bytes().retainedSlice(allocator);
                if (body == null) {
                    sink.end(false);
                    return;
                }
                bytes += body.readableBytes();
                sink.part(body);
                next++;
                continue;
            }
            if (rendition.nextSequence() > sequence) {
                // A body cut short must not pass for the segment (clients and caches would keep it).
                MediaSegment closed = rendition.segment(sequence);
                sink.end(closed != null && closed.size() == bytes);
                return;
            }
            if (rendition.ended()) {
                sink.end(false);
                return;
            }
            int wanted = next;
            long sentSoFar = bytes;
            waiters.await(store, path, s -> s.part(sequence, wanted) != null || s.nextSequence() > sequence || s.ended(),
                    timeout).whenComplete((reached, failure) -> {
                        if (failure != null || reached.isEmpty()) {
                            sink.end(false);
                        } else {
                            sendPartsAsTheyExist(path, sequence, wanted, sentSoFar, sink, timeout);
                        }
                    });
            return;
        }
    }
}
