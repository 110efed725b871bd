package dev.glasscast.packager.hls;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.DiskReads;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.mpegts.TsSegmentRenderer;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SnapshotWaiters;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Serves the HLS playlists, rendered on request from the segment store, and the MPEG-TS segments
 * only HLS lists:
 * <pre>
 * /live/{stream}/index.m3u8                   multivariant playlist
 * /live/{stream}/dvr.m3u8                     multivariant playlist of the start-over playlists
 * /live/{stream}/{rendition}/index.m3u8       media playlist (LL-HLS: parts, blocking reload,
 *                                             delta updates with _HLS_msn, _HLS_part, _HLS_skip)
 * /live/{stream}/{rendition}/dvr.m3u8         media playlist over the whole DVR window (start-over)
 * /live/{stream}/ts.m3u8                      multivariant playlist of the MPEG-TS output
 * /live/{stream}/{rendition}/ts.m3u8          media playlist of TS segments (video renditions)
 * /live/{stream}/{rendition}/ts{N}.ts         video segment N muxed with its audio as MPEG-TS
 * </pre>
 * The fMP4 objects the playlists list ({@code init{N}.mp4}, {@code seg{N}.m4s},
 * {@code part{N}.{I}.m4s}) are DASH's too; {@link dev.glasscast.packager.cmaf.CmafObjectOrigin}
 * serves them. Names that cannot be valid get 400; valid names of things that do not exist (yet)
 * get 404, which players retry. A media playlist of a rendition listed before its first
 * segment is cut (a stream starting) waits for that segment instead, up to
 * {@value #FIRST_SEGMENT_WAIT_SECONDS} s: hls.js reports a 404 there as an error before it retries.
 *
 * <h2>Blocking requests (RFC 8216bis 6.2.5.2)</h2>
 * A playlist request with {@code _HLS_msn=M} (and {@code _HLS_part=P}) completes once the
 * playlist holds segment M (part P of M) or later: the origin registers with
 * {@link SnapshotWaiters}, which the store completes as it publishes, so no thread waits. M more
 * than two segments beyond the last one listed, {@code _HLS_part} without {@code _HLS_msn}, or
 * malformed values get 400. A wait that lasts three target durations returns the current
 * playlist, so a player keeps asking through a publisher's reconnect.
 *
 * <h2>End of stream</h2>
 * A rendition whose publisher stopped keeps its live playlist (without new parts) for
 * {@code reconnectGrace}: a publisher that reconnects within it continues the same playlist
 * after an EXT-X-DISCONTINUITY, and players keep playing. After the grace the playlist gets
 * EXT-X-ENDLIST.
 *
 * <p>Buffer ownership: each response body belongs to the caller; playlists and TS segments are
 * fresh heap buffers.
 */
public final class HlsOrigin implements MediaOrigin {

    static final String MPEG_TS = "video/mp2t";
    private static final Pattern MSN = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Pattern PART_INDEX = Pattern.compile("0|[1-9][0-9]{0,3}");
    /** Long enough for a rung's encoder to start and cut a segment; well within hls.js's 10 s playlist time-out. */
    static final int FIRST_SEGMENT_WAIT_SECONDS = 5;

    private final RenditionLookup store;
    private final HlsMultivariantPlaylistRenderer multivariantRenderer = new HlsMultivariantPlaylistRenderer();
    private final HlsMediaPlaylistRenderer mediaRenderer;
    private final HlsTsPlaylistRenderer tsRenderer;
    private final SnapshotWaiters waiters;
    private final Clock clock;
    private final Duration reconnectGrace;
    private final DiskReads diskReads;

    /**
     * @param store            where renditions are read
     * @param playlistSegments how many segments a live media playlist lists
     * @param partTarget       the store's part duration (LL-HLS parts and blocking reloads)
     * @param waiters          completed by the store as it publishes (blocking reloads)
     * @param clock            wall clock, for the reconnect grace
     * @param reconnectGrace   how long an ended stream's playlist stays live for a reconnect
     * @param diskReads        where TS segments whose media is on disk are muxed, never on the calling thread
     */
    public HlsOrigin(RenditionLookup store, int playlistSegments, Duration partTarget, SnapshotWaiters waiters,
                     Clock clock, Duration reconnectGrace, DiskReads diskReads) {
        this.store = store;
        this.mediaRenderer = new HlsMediaPlaylistRenderer(playlistSegments, partTarget);
        this.tsRenderer = new HlsTsPlaylistRenderer(playlistSegments);
        this.waiters = Objects.requireNonNull(waiters, "waiters");
        this.clock = clock;
        this.reconnectGrace = reconnectGrace;
        this.diskReads = diskReads;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        String invalidName = request.invalidNameReason();
        if (invalidName != null) {
            return completed(OriginResponse.badRequest(invalidName));
        }
        HlsResource resource = HlsResource.parse(request.resource());
        if (resource == null) {
            return completed(OriginResponse.badRequest("unknown HLS resource name"));
        }
        if (request.rendition() == null) {
            return completed(switch (resource) {
                case HlsResource.Playlist p -> multivariantPlaylist(request.stream(), p.wholeWindow());
                case HlsResource.TsPlaylist t -> tsMultivariantPlaylist(request.stream());
                default -> OriginResponse.notFound("no " + request.resource() + " at stream level");
            });
        }
        StreamPath path = StreamPath.rendition(request.stream(), request.rendition());
        Optional<RenditionSnapshot> found = store.find(path);
        if (found.isEmpty()) {
            return completed(OriginResponse.notFound("no rendition " + request.stream() + "/" + request.rendition()));
        }
        RenditionSnapshot rendition = found.get();
        return switch (resource) {
            case HlsResource.Playlist p -> mediaPlaylist(rendition, p.wholeWindow(), request);
            case HlsResource.TsPlaylist t -> withFirstSegment(rendition).thenApply(this::tsMediaPlaylist);
            case HlsResource.TsSegment t -> diskReads.render(inMemory(rendition.segment(t.sequence())),
                    () -> tsSegment(rendition, t.sequence()));
        };
    }

    /**
     * The rendition once it has its first segment (at once if it has one or is over), or as it is
     * after {@link #FIRST_SEGMENT_WAIT_SECONDS}; no thread waits ({@link SnapshotWaiters}).
     */
    private CompletionStage<RenditionSnapshot> withFirstSegment(RenditionSnapshot rendition) {
        if (!rendition.segments().isEmpty() || endedForGood(rendition)) {
            return CompletableFuture.completedFuture(rendition);
        }
        return waiters.await(store, rendition.path(), s -> !s.segments().isEmpty(),
                        Duration.ofSeconds(FIRST_SEGMENT_WAIT_SECONDS))
                .thenApply(reached -> store.find(rendition.path()).or(() -> reached).orElse(rendition));
    }

    private static boolean inMemory(MediaSegment segment) {
        return segment == null || segment.inMemory();
    }

    private static CompletionStage<OriginResponse> completed(OriginResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** True once the rendition is over for good: its publisher stopped longer than the grace ago. */
    private boolean endedForGood(RenditionSnapshot rendition) {
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
        boolean ended = renditions.stream().allMatch(this::endedForGood);
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
            return completed(OriginResponse.badRequest("_HLS_part without _HLS_msn"));
        }
        if (msnText != null && !MSN.matcher(msnText).matches()) {
            return completed(OriginResponse.badRequest("malformed _HLS_msn"));
        }
        if (partText != null && !PART_INDEX.matcher(partText).matches()) {
            return completed(OriginResponse.badRequest("malformed _HLS_part"));
        }
        if (skipText != null && !skipText.equals("YES") && !skipText.equals("v2")) {
            return completed(OriginResponse.badRequest("_HLS_skip must be YES or v2"));
        }
        boolean skip = skipText != null;
        return withFirstSegment(rendition).thenCompose(ready -> mediaPlaylist(ready, wholeWindow, skip, msnText, partText));
    }

    private CompletionStage<OriginResponse> mediaPlaylist(RenditionSnapshot rendition, boolean wholeWindow, boolean skip,
                                                          String msnText, String partText) {
        if (msnText == null || !mediaRenderer.lowLatency() || endedForGood(rendition)) {
            return completed(mediaPlaylistNow(rendition, wholeWindow, skip));
        }
        long msn = Long.parseLong(msnText);
        int part = partText == null ? -1 : Integer.parseInt(partText);
        long lastListed = rendition.openParts().isEmpty() ? rendition.nextSequence() - 1 : rendition.nextSequence();
        if (msn > lastListed + 2) {
            return completed(OriginResponse.badRequest("_HLS_msn " + msn + " is more than two segments beyond " + lastListed));
        }
        Predicate<RenditionSnapshot> ready = part < 0
                ? s -> s.nextSequence() > msn
                : s -> s.hasPartOrLater(msn, part);
        Predicate<RenditionSnapshot> readyOrOver = ready.or(this::endedForGood);
        Duration timeout = Duration.ofSeconds(3 * rendition.targetDurationSeconds());
        return waiters.await(store, rendition.path(), readyOrOver, timeout).thenApply(reached -> {
            RenditionSnapshot latest = store.find(rendition.path()).or(() -> reached).orElse(rendition);
            return mediaPlaylistNow(latest, wholeWindow, skip);
        });
    }

    private OriginResponse mediaPlaylistNow(RenditionSnapshot rendition, boolean wholeWindow, boolean skip) {
        boolean ended = endedForGood(rendition);
        List<RenditionSnapshot> others = new ArrayList<>();
        if (mediaRenderer.lowLatency() && !ended) {
            for (RenditionSnapshot other : store.renditions(rendition.path().stream())) {
                if (!other.path().equals(rendition.path())) {
                    others.add(other);
                }
            }
        }
        // A recording lists everything held, so it plays from its start to its end.
        HlsMediaPlaylistRenderer.View view = new HlsMediaPlaylistRenderer.View(wholeWindow || ended, skip, ended, others,
                wholeWindow ? HlsResource.DVR_PLAYLIST : HlsResource.PLAYLIST);
        Optional<String> playlist = mediaRenderer.render(rendition, view);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("rendition " + rendition.path() + " has no segment yet");
        }
        return playlist(playlist.get(), ended, rendition.updatedAt());
    }

    private OriginResponse tsMultivariantPlaylist(String stream) {
        List<RenditionSnapshot> renditions = store.renditions(stream);
        Optional<String> playlist = tsRenderer.renderMultivariant(renditions);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("stream " + stream + " has no video segment yet");
        }
        boolean ended = renditions.stream().allMatch(this::endedForGood);
        Instant lastModified = renditions.stream().map(RenditionSnapshot::updatedAt).max(Instant::compareTo).orElse(null);
        return playlist(playlist.get(), ended, lastModified);
    }

    private OriginResponse tsMediaPlaylist(RenditionSnapshot video) {
        if (!HlsTsPlaylistRenderer.carriesTs(video)) {
            return OriginResponse.notFound("TS is muxed per H.264 video rendition; " + video.path() + " is not one");
        }
        RenditionSnapshot audio = HlsTsPlaylistRenderer.audioOf(store.renditions(video.path().stream()));
        boolean ended = endedForGood(video);
        Optional<String> playlist = tsRenderer.renderMedia(video, audio, ended);
        if (playlist.isEmpty()) {
            return OriginResponse.notFound("rendition " + video.path() + " has no complete TS segment yet");
        }
        return playlist(playlist.get(), ended, video.updatedAt());
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
}
