package dev.glasscast.server.api;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.srt.SrtSessionStats;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import dev.glasscast.transcode.LadderTranscoder.RungStatus;
import dev.glasscast.transcode.restream.RestreamStatus;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Turns the counters of ingest, transcoder, SRT and edge cache into {@link StreamReport}s.
 * Rates (bitrate in, encode fps) need two readings, so {@link #sample()} runs every few
 * seconds off the event loop and keeps the rates and a short history for the dashboard graph.
 * Thread-safe: {@code sample()} from one scheduler thread, reports from any.
 */
public final class StreamMonitor {

    /** Samples kept per stream for the graph: three minutes at the daemon's 2 s interval. */
    public static final int HISTORY = 90;
    /** Video and audio: the media requests one viewer makes per segment duration. */
    private static final double REQUESTS_PER_VIEWER_PER_SEGMENT = 2.0;

    /** The monitor's inputs, each a narrow view of one daemon component. */
    public record Sources(StreamHub hub, Supplier<List<RungStatus>> rungs, Supplier<List<SrtSessionStats>> srtSessions,
                          ToDoubleFunction<String> segmentRequestsPerSecond, DoubleSupplier cacheHitRatio,
                          Supplier<Map<String, List<String>>> autoLadders,
                          Supplier<List<RestreamStatus>> restreams) {
    }

    private record Reading(long nanos, long bytesIn, Map<String, Long> frames) {
    }

    private record Rates(Double bitrate, Map<String, Double> fps) {
    }

    private final GlassCastConfig config;
    private final Supplier<PublicAddresses> addresses;
    private final Sources sources;
    private final Supplier<Long> nanoTime;
    private final Clock clock;
    private final Map<String, Reading> lastReading = new ConcurrentHashMap<>();
    private final Map<String, Rates> rates = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<StreamReport.Point>> history = new ConcurrentHashMap<>();

    public StreamMonitor(GlassCastConfig config, Supplier<PublicAddresses> addresses, Sources sources, Supplier<Long> nanoTime, Clock clock) {
        this.config = config;
        this.addresses = addresses;
        this.sources = sources;
        this.nanoTime = nanoTime;
        this.clock = clock;
    }

    /** Takes a reading of every live stream and updates rates and history. */
    public synchronized void sample() {
        long now = nanoTime.get();
        Map<String, Reading> seen = new HashMap<>();
        for (LiveStream source : sources.hub().liveStreams()) {
            if (!source.path().isSource()) {
                continue;
            }
            String name = source.path().stream();
            Map<String, Long> frames = new HashMap<>();
            for (RungView rung : rungsOf(name)) {
                frames.put(rung.name, rung.frames);
            }
            Reading reading = new Reading(now, source.bytesIn(), frames);
            Reading previous = lastReading.get(name);
            if (previous != null && now > previous.nanos) {
                double seconds = (now - previous.nanos) / 1e9;
                double bitrate = Math.max(0, reading.bytesIn - previous.bytesIn) * 8 / seconds;
                Map<String, Double> fps = new HashMap<>();
                frames.forEach((rung, count) -> {
                    Long before = previous.frames.get(rung);
                    if (before != null) {
                        fps.put(rung, Math.max(0, count - before) / seconds);
                    }
                });
                rates.put(name, new Rates(bitrate, fps));
                ArrayDeque<StreamReport.Point> points = history.computeIfAbsent(name, n -> new ArrayDeque<>());
                synchronized (points) {
                    points.addLast(new StreamReport.Point(clock.millis(), bitrate, viewers(name)));
                    while (points.size() > HISTORY) {
                        points.removeFirst();
                    }
                }
            }
            seen.put(name, reading);
        }
        lastReading.keySet().retainAll(seen.keySet());
        lastReading.putAll(seen);
        rates.keySet().retainAll(seen.keySet());
        history.keySet().retainAll(seen.keySet());
    }

    /** Every configured stream, live or not, in config order. */
    public List<StreamReport> reports() {
        List<StreamReport> reports = new ArrayList<>();
        for (StreamConfig stream : config.ingest().streams()) {
            reports.add(report(stream));
        }
        return reports;
    }

    /** The report of one configured stream; empty if no stream of that name is configured. */
    public Optional<StreamReport> report(String name) {
        return config.ingest().stream(name).map(this::report);
    }

    /** Names of the streams being published now. */
    public List<String> liveStreamNames() {
        return sources.hub().liveStreams().stream().filter(s -> s.path().isSource())
                .map(s -> s.path().stream()).sorted().toList();
    }

    private StreamReport report(StreamConfig stream) {
        String name = stream.name();
        Optional<LiveStream> live = sources.hub().find(StreamPath.source(name));
        long latencyMicros = config.ingest().srt().latency().toNanos() / 1000;
        StreamReport.Obs obs = new StreamReport.Obs(addresses.get().rtmpServer(), stream.key(),
                addresses.get().srtUrl(stream.key(), config.ingest().srt().passphrase(), latencyMicros));
        if (live.isEmpty()) {
            return new StreamReport(name, false, null, addresses.get().watchUrl(name), addresses.get().hlsUrl(name), null, List.of(),
                    null, new StreamReport.Audience(0, 0, sources.cacheHitRatio().getAsDouble()), obs, List.of(), stream.playback(),
                    List.of(), List.of(), restreams(name));
        }
        LiveStream source = live.get();
        Rates measured = rates.getOrDefault(name, new Rates(null, Map.of()));
        TrackInfo video = source.tracks().stream().filter(TrackInfo::isVideo).findFirst().orElse(null);
        TrackInfo audio = source.tracks().stream().filter(t -> !t.isVideo()).findFirst().orElse(null);
        StreamReport.Source sourceReport = new StreamReport.Source(
                video == null ? null : video.codec().name(), video == null ? 0 : video.width(), video == null ? 0 : video.height(),
                video == null ? 0 : video.frameRate(), audio == null ? null : audio.codec().name(),
                audio == null ? 0 : audio.sampleRate(), audio == null ? 0 : audio.channels(),
                measured.bitrate(), source.unitsIn(), source.bytesIn(), source.unitsDropped(), source.standIn());
        List<StreamReport.Rung> rungs = new ArrayList<>();
        for (RungView rung : rungsOf(name)) {
            Double fps = measured.fps().get(rung.name);
            Double speed = fps == null || video == null || video.frameRate() <= 0 ? null : fps / video.frameRate();
            rungs.add(new StreamReport.Rung(rung.name, rung.width, rung.height, rung.frames, rung.dropped, fps, speed,
                    rung.step));
        }
        StreamReport.Srt srt = sources.srtSessions().get().stream().filter(s -> s.stream().equals(name)).findFirst()
                .map(s -> new StreamReport.Srt(String.valueOf(s.peer()), s.rttMicros() / 1000.0, s.packetsLost(),
                        s.packetsRetransmitted(), s.packetsDropped(), s.receiveRateBits(), s.latencyMillis(), s.encrypted()))
                .orElse(null);
        StreamReport.Audience audience = new StreamReport.Audience(viewers(name),
                sources.segmentRequestsPerSecond().applyAsDouble(name), sources.cacheHitRatio().getAsDouble());
        List<StreamReport.Point> points;
        ArrayDeque<StreamReport.Point> kept = history.get(name);
        if (kept == null) {
            points = List.of();
        } else {
            synchronized (kept) {
                points = List.copyOf(kept);
            }
        }
        return new StreamReport(name, true, source.publishedAt(), addresses.get().watchUrl(name), addresses.get().hlsUrl(name),
                sourceReport, rungs, srt, audience, obs, points, stream.playback(), notices(name),
                sources.autoLadders().get().getOrDefault(name, List.of()), restreams(name));
    }

    private List<StreamReport.Restream> restreams(String name) {
        return sources.restreams().get().stream().filter(status -> status.stream().equals(name))
                .map(status -> new StreamReport.Restream(status.index(), status.destination(), status.send(), status.state(),
                        status.bitrate(), status.bytesSent(), status.reconnects(), status.failures(), status.lastError()))
                .toList();
    }

    /** The notices of the stream's source and of its renditions, each once. */
    private List<String> notices(String name) {
        return sources.hub().liveStreams().stream().filter(s -> s.path().stream().equals(name))
                .flatMap(s -> s.notices().stream()).distinct().toList();
    }

    /** Estimated viewers: media requests per second over what one viewer asks per second. */
    private double viewers(String stream) {
        double segmentSeconds = config.packaging().segmentDuration().toMillis() / 1000.0;
        double perViewer = REQUESTS_PER_VIEWER_PER_SEGMENT / segmentSeconds;
        return sources.segmentRequestsPerSecond().applyAsDouble(stream) / perViewer;
    }

    private record RungView(String name, int width, int height, long frames, long dropped, String step) {
    }

    /**
     * The video renditions of {@code stream}: transcoded rungs with the transcoder's counts,
     * passthrough rungs with the frames their rendition carried.
     */
    private List<RungView> rungsOf(String stream) {
        Map<String, RungView> byName = new HashMap<>();
        for (RungStatus status : sources.rungs().get()) {
            if (status.stream().equals(stream)) {
                byName.put(status.rendition(), new RungView(status.rendition(), status.width(), status.height(),
                        status.encodedFrames(), status.droppedFrames(), status.step()));
            }
        }
        for (LiveStream rendition : sources.hub().liveStreams()) {
            StreamPath path = rendition.path();
            if (path.isSource() || !path.stream().equals(stream) || LadderTranscoder.AUDIO_RENDITION.equals(path.rendition())
                    || byName.containsKey(path.rendition())) {
                continue;
            }
            TrackInfo video = rendition.tracks().stream().filter(TrackInfo::isVideo).findFirst().orElse(null);
            if (video != null) {
                byName.put(path.rendition(), new RungView(path.rendition(), video.width(), video.height(),
                        rendition.unitsIn(), rendition.unitsDropped(), "passthrough"));
            }
        }
        List<RungView> rungs = new ArrayList<>(byName.values());
        rungs.sort(Comparator.comparingInt(RungView::height).reversed().thenComparing(RungView::name));
        return rungs;
    }
}
