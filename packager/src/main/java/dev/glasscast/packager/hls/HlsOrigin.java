package dev.glasscast.packager.hls;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.FileSpan;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.SegmentStreaming;
import dev.glasscast.packager.mpegts.TsSegmentRenderer;
import dev.glasscast.packager.window.InitSegment;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import dev.glasscast.packager.window.SnapshotWaiters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves HLS with fMP4 segments from the segment store, rendered on request:
 * <pre>
 * /live/{stream}/index.m3u8                   multivariant playlist
 * /live/{stream}/dvr.m3u8                     multivariant playlist of the start-over playlists
 * /live/{stream}/{rendition}/index.m3u8       media playlist (LL-HLS: parts, blocking reload,
 *                                             delta updates with _HLS_msn, _HLS_part, _HLS_skip)
 * /live/{stream}/{rendition}/dvr.m3u8         media playlist over the whole DVR window (start-over)
 * /live/{stream}/{rendition}/init{N}.mp4      init segment of the publication starting at segment N
 * /live/{stream}/{rendition}/seg{N}.m4s       media segment N
 * /live/{stream}/{rendition}/part{N}.{I}.m4s  part I of segment N (also while N is being written)
 * /live/{stream}/ts.m3u8                      multivariant playlist of the MPEG-TS output
 * /live/{stream}/{rendition}/ts.m3u8          media playlist of TS segments (video renditions)
 * /live/{stream}/{rendition}/ts{N}.ts         video segment N muxed with its audio as MPEG-TS
 * </pre>
 * Names that cannot be valid get 400; valid names of things that do not exist (yet) get 404,
 * which players retry.
 *
 * <h2>Blocking requests (RFC 8216bis 6.2.5.2)</h2>
 * A playlist request with {@code _HLS_msn=M} (and {@code _HLS_part=P}) completes once the
 * playlist holds segment M (part P of M) or later: the origin registers with
 * {@link SnapshotWaiters}, which the store completes as it publishes, so no thread waits. M more
 * than two segments beyond the last one listed, {@code _HLS_part} without {@code _HLS_msn}, or
 * malformed values get 400. A wait that lasts three target durations returns the current
 * playlist, so a player keeps asking through a publisher's reconnect. A request for the part a
 * preload hint names (the next part, or the first of the next segment) likewise waits for it.
 *
 * <h2>End of stream</h2>
 * A rendition whose publisher stopped keeps its live playlist (without new parts) for
 * {@code reconnectGrace}: a publisher that reconnects within it continues the same playlist
 * after an EXT-X-DISCONTINUITY, and players keep playing. After the grace the playlist gets
 * EXT-X-ENDLIST.
 *
 * <p>Buffer ownership: each response body belongs to the caller. Init, part and segment bodies
 * are retained read-only slices of the store's buffers (no bytes copied); playlists are fresh
 * heap buffers.
 */
public final class HlsOrigin implements MediaOrigin, SegmentStreaming {

    private static final Logger log = LoggerFactory.getLogger(HlsOrigin.class);
    static final String MPEG_TS = "video/mp2t";
    private static final Pattern MSN = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Pattern PART_INDEX = Pattern.compile("0|[1-9][0-9]{0,3}");

    private final RenditionLookup store;
    private final HlsMultivariantPlaylistRenderer multivariantRenderer = new HlsMultivariantPlaylistRenderer();
    private final HlsMediaPlaylistRenderer mediaRenderer;
    private final HlsTsPlaylistRenderer tsRenderer;
    private final SnapshotWaiters waiters;
    private final Clock clock;
    private final Duration reconnectGrace;
    private final ByteBufAllocator allocator;
    private final RecordedSegmentFiles recordedFiles;
    /** Where media whose bytes are on disk (DVR beyond memory, recordings) is read. */
    private final Executor diskReads;

    /**
     * Classic HLS without parts or blocking requests; ended streams get EXT-X-ENDLIST at once.
     *
     * @param store            where renditions are read
     * @param playlistSegments how many segments a media playlist lists
     * @param allocator        for the composite buffers of multi-part segment bodies
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, ByteBufAllocator allocator) {
        this(store, new HlsMediaPlaylistRenderer(playlistSegments), null, Clock.systemUTC(), Duration.ZERO, allocator,
                Runnable::run, RecordedSegmentFiles.NONE);
    }

    /**
     * Low-Latency HLS.
     *
     * @param store            where renditions are read
     * @param playlistSegments how many segments a live media playlist lists
     * @param partTarget       the store's part duration
     * @param waiters          completed by the store as it publishes (blocking requests)
     * @param clock            wall clock, for the reconnect grace
     * @param reconnectGrace   how long an ended stream's playlist stays live for a reconnect
     * @param allocator        for the composite buffers of multi-part segment bodies
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, Duration partTarget, SnapshotWaiters waiters,
                     Clock clock, Duration reconnectGrace, ByteBufAllocator allocator) {
        this(store, playlistSegments, partTarget, waiters, clock, reconnectGrace, allocator, Runnable::run);
    }

    /**
     * Low-Latency HLS, reading media whose bytes are on disk (the DVR window beyond the store's
     * memory, recordings) on {@code diskReads}, never on the calling (event loop) thread.
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, Duration partTarget, SnapshotWaiters waiters,
                     Clock clock, Duration reconnectGrace, ByteBufAllocator allocator, Executor diskReads) {
        this(store, playlistSegments, partTarget, waiters, clock, reconnectGrace, allocator, diskReads, RecordedSegmentFiles.NONE);
    }

    /**
     * Same as above; segments still in memory that {@code recordedFiles} knows on disk carry
     * their file ({@link OriginResponse#file()}), so the HTTP layer can send them with sendfile.
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, Duration partTarget, SnapshotWaiters waiters,
                     Clock clock, Duration reconnectGrace, ByteBufAllocator allocator, Executor diskReads,
                     RecordedSegmentFiles recordedFiles) {
        this(store, new HlsMediaPlaylistRenderer(playlistSegments, partTarget), waiters, clock, reconnectGrace,
                allocator, diskReads, recordedFiles);
    }

    private HlsOrigin(RenditionLookup store, HlsMediaPlaylistRenderer mediaRenderer, SnapshotWaiters waiters,
                      Clock clock, Duration reconnectGrace, ByteBufAllocator allocator, Executor diskReads,
                      RecordedSegmentFiles recordedFiles) {
        this.recordedFiles = recordedFiles;
        this.diskReads = diskReads;
        this.store = store;
        this.mediaRenderer = mediaRenderer;
        this.tsRenderer = new HlsTsPlaylistRenderer(mediaRenderer.playlistSegments());
        this.waiters = waiters;
        this.clock = clock;
        this.reconnectGrace = reconnectGrace;
        this.allocator = allocator;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        try {
            return renderSoon(request).exceptionally(failure -> internalError(request, failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(request, e));
        }
    }

    private static OriginResponse internalError(OriginRequest request, Throwable failure) {
        log.error("failed to render {}", request.cacheKey(), failure);
        return OriginResponse.text(500, CacheKind.NO_STORE, OriginResponse.TEXT, "internal error\n", null);
    }

    private CompletionStage<OriginResponse> renderSoon(OriginRequest request) {
        if (!StreamPath.isValidName(request.stream())) {
            return done(OriginResponse.badRequest("invalid stream name"));
        }
        if (request.rendition() != null && !StreamPath.isValidName(request.rendition())) {
            return done(OriginResponse.badRequest("invalid rendition name"));
        }
        HlsResource resource = HlsResource.parse(request.resource());
        if (resource == null) {
            return done(OriginResponse.badRequest("unknown HLS resource name"));
        }
        if (request.rendition() == null) {
            return done(switch (resource) {
                case HlsResource.Playlist p -> multivariantPlaylist(request.stream(), p.wholeWindow());
                case HlsResource.TsPlaylist t -> tsMultivariantPlaylist(request.stream());
                default -> OriginResponse.notFound("no " + request.resource() + " at stream level");
            });
        }
        StreamPath path = StreamPath.rendition(request.stream(), request.rendition());
        Optional<RenditionSnapshot> found = store.find(path);
        if (found.isEmpty()) {
            return done(OriginResponse.notFound("no rendition " + request.stream() + "/" + request.rendition()));
        }
        RenditionSnapshot rendition = found.get();
        return switch (resource) {
            case HlsResource.Playlist p -> mediaPlaylist(rendition, p.wholeWindow(), request);
            case HlsResource.Init i -> read(inMemory(rendition.initNamed(i.firstSequence())),
                    () -> init(rendition, i.firstSequence()));
            case HlsResource.Segment s -> read(inMemory(rendition.segment(s.sequence())),
                    () -> segment(rendition, s.sequence()));
            case HlsResource.Part p -> part(rendition, p.sequence(), p.index());
            case HlsResource.TsPlaylist t -> done(tsMediaPlaylist(rendition));
            case HlsResource.TsSegment t -> read(inMemory(rendition.segment(t.sequence())),
                    () -> tsSegment(rendition, t.sequence()));
        };
    }

    /** Renders at once when the bytes are in memory, else on {@code diskReads}. */
    private CompletionStage<OriginResponse> read(boolean inMemory, Supplier<OriginResponse> render) {
        return inMemory ? done(render.get()) : CompletableFuture.supplyAsync(render, diskReads);
    }

    private static boolean inMemory(InitSegment init) {
        return init == null || init.bytes().inMemory();
    }

    private static boolean inMemory(MediaSegment segment) {
        return segment == null || segment.inMemory();
    }

    private static CompletionStage<OriginResponse> done(OriginResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** True once the rendition is over for good: its publisher stopped longer than the grace ago. */
    private boolean over(RenditionSnapshot rendition) {
        return rendition.ended()
                && (reconnectGrace.isZero() || !clock.instant().isBefore(rendition.updatedAt().plus(reconnectGrace)));
    }

    private OriginResponse multivariantPlaylist(String stream, boolean wholeWindow) {
        List<RenditionSnapshot> renditions = store.renditions(stream);
        if (renditions.isEmpty()) {
            return OriginResponse.notFound("no stream " + stream);
        }
        Optional<String> playlist = multivariantRenderer.render(renditions,
                wholeWindow ? HlsResource.DVR_PLAYLIST : HlsResource.PLAYLIST);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("stream " + stream + " has no video yet");
        }
        boolean ended = renditions.stream().allMatch(this::over);
        Instant lastModified = renditions.stream().map(RenditionSnapshot::updatedAt).max(Instant::compareTo).orElse(null);
        return playlist(playlist.get(), ended, lastModified);
    }

    private CompletionStage<OriginResponse> mediaPlaylist(RenditionSnapshot rendition, boolean wholeWindow,
                                                          OriginRequest request) {
        Map<String, String> query = request.query();
        String msnText = query.get("_HLS_msn");
        String partText = query.get("_HLS_part");
        String skipText = query.get("_HLS_skip");
        if (partText != null && msnText == null) {
            return done(OriginResponse.badRequest("_HLS_part without _HLS_msn"));
        }
        if (msnText != null && !MSN.matcher(msnText).matches()) {
            return done(OriginResponse.badRequest("malformed _HLS_msn"));
        }
        if (partText != null && !PART_INDEX.matcher(partText).matches()) {
            return done(OriginResponse.badRequest("malformed _HLS_part"));
        }
        if (skipText != null && !skipText.equals("YES") && !skipText.equals("v2")) {
            return done(OriginResponse.badRequest("_HLS_skip must be YES or v2"));
        }
        boolean skip = skipText != null;
        if (msnText == null || !mediaRenderer.lowLatency() || over(rendition)) {
            return done(mediaPlaylistNow(rendition, wholeWindow, skip));
        }
        long msn = Long.parseLong(msnText);
        int part = partText == null ? -1 : Integer.parseInt(partText);
        long lastListed = rendition.openParts().isEmpty() ? rendition.nextSequence() - 1 : rendition.nextSequence();
        if (msn > lastListed + 2) {
            return done(OriginResponse.badRequest("_HLS_msn " + msn + " is more than two segments beyond " + lastListed));
        }
        Predicate<RenditionSnapshot> ready = part < 0
                ? s -> s.nextSequence() > msn
                : s -> s.hasPartOrLater(msn, part);
        Predicate<RenditionSnapshot> readyOrOver = ready.or(this::over);
        Duration timeout = Duration.ofSeconds(3 * HlsMediaPlaylistRenderer.targetDuration(rendition));
        return waiters.await(store, rendition.path(), readyOrOver, timeout).thenApply(reached -> {
            RenditionSnapshot latest = store.find(rendition.path()).or(() -> reached).orElse(rendition);
            return mediaPlaylistNow(latest, wholeWindow, skip);
        });
    }

    private OriginResponse mediaPlaylistNow(RenditionSnapshot rendition, boolean wholeWindow, boolean skip) {
        boolean over = over(rendition);
        List<RenditionSnapshot> others = new ArrayList<>();
        if (mediaRenderer.lowLatency() && !over) {
            for (RenditionSnapshot other : store.renditions(rendition.path().stream())) {
                if (!other.path().equals(rendition.path())) {
                    others.add(other);
                }
            }
        }
        // A recording lists everything held, so it plays from its start to its end.
        HlsMediaPlaylistRenderer.View view = new HlsMediaPlaylistRenderer.View(wholeWindow || over, skip, over, others,
                wholeWindow ? HlsResource.DVR_PLAYLIST : HlsResource.PLAYLIST);
        Optional<String> playlist = mediaRenderer.render(rendition, view);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("rendition " + rendition.path() + " has no segment yet");
        }
        return playlist(playlist.get(), over, rendition.updatedAt());
    }

    private OriginResponse tsMultivariantPlaylist(String stream) {
        List<RenditionSnapshot> renditions = store.renditions(stream);
        Optional<String> playlist = tsRenderer.renderMultivariant(renditions);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("stream " + stream + " has no video segment yet");
        }
        boolean ended = renditions.stream().allMatch(this::over);
        Instant lastModified = renditions.stream().map(RenditionSnapshot::updatedAt).max(Instant::compareTo).orElse(null);
        return playlist(playlist.get(), ended, lastModified);
    }

    private OriginResponse tsMediaPlaylist(RenditionSnapshot video) {
        if (!HlsTsPlaylistRenderer.carriesTs(video)) {
            return OriginResponse.notFound("TS is muxed per H.264 video rendition; " + video.path() + " is not one");
        }
        RenditionSnapshot audio = HlsTsPlaylistRenderer.audioOf(store.renditions(video.path().stream()));
        boolean over = over(video);
        Optional<String> playlist = tsRenderer.renderMedia(video, audio, over);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("rendition " + video.path() + " has no complete TS segment yet");
        }
        return playlist(playlist.get(), over, video.updatedAt());
    }

    private OriginResponse tsSegment(RenditionSnapshot video, long sequence) {
        MediaSegment segment = video.segment(sequence);
        if (!HlsTsPlaylistRenderer.carriesTs(video) || segment == null) {
            return OriginResponse.notFound("no TS segment " + sequence + " in " + video.path());
        }
        RenditionSnapshot audio = HlsTsPlaylistRenderer.audioOf(store.renditions(video.path().stream()));
        if (!TsSegmentRenderer.complete(segment, audio)) {
            return OriginResponse.notFound("TS segment " + sequence + " of " + video.path() + " awaits its audio");
        }
        return TsSegmentRenderer.render(video, sequence, audio)
                .map(bytes -> new OriginResponse(200, MPEG_TS, CacheKind.IMMUTABLE_MEDIA, segment.createdAt(),
                        Unpooled.wrappedBuffer(bytes)))
                .orElseGet(() -> OriginResponse.notFound("TS segment " + sequence + " of " + video.path() + " was evicted"));
    }

    private static OriginResponse playlist(String text, boolean ended, Instant lastModified) {
        return new OriginResponse(200, OriginResponse.M3U8, ended ? CacheKind.VOD_MANIFEST : CacheKind.LIVE_MANIFEST,
                lastModified, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
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
        if (existing != null || waiters == null || rendition.ended()) {
            return read(existing == null || existing.bytes().inMemory(), () -> partNow(rendition, sequence, index));
        }
        long open = rendition.nextSequence();
        boolean hinted = (sequence == open && index == rendition.openParts().size()) || (sequence == open + 1 && index == 0);
        if (!hinted) {
            return done(partNow(rendition, sequence, index));
        }
        Duration timeout = Duration.ofSeconds(3 * HlsMediaPlaylistRenderer.targetDuration(rendition));
        return waiters.await(store, rendition.path(), s -> s.part(sequence, index) != null || s.nextSequence() > sequence,
                        timeout)
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
        if (waiters == null || request.rendition() == null || !StreamPath.isValidName(request.stream())
                || !StreamPath.isValidName(request.rendition())
                || !(HlsResource.parse(request.resource()) instanceof HlsResource.Segment segment)) {
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
        Duration timeout = Duration.ofSeconds(3 * HlsMediaPlaylistRenderer.targetDuration(found.get()));
        follow(path, segment.sequence(), 0, sink, timeout);
        return true;
    }

    /** Sends every part of segment {@code sequence} from {@code index} on as it exists, then the end. */
    private void follow(StreamPath path, long sequence, int index, PartSink sink, Duration timeout) {
        int next = index;
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
                sink.part(body);
                next++;
                continue;
            }
            if (rendition.nextSequence() > sequence) {
                sink.end(rendition.segment(sequence) != null);
                return;
            }
            if (rendition.ended()) {
                sink.end(false);
                return;
            }
            int wanted = next;
            waiters.await(store, path, s -> s.part(sequence, wanted) != null || s.nextSequence() > sequence || s.ended(),
                    timeout).whenComplete((reached, failure) -> {
                        if (failure != null || reached.isEmpty()) {
                            sink.end(false);
                        } else {
                            follow(path, sequence, wanted, sink, timeout);
                        }
                    });
            return;
        }
    }
}
