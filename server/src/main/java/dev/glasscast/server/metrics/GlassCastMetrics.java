package dev.glasscast.server.metrics;

import dev.glasscast.edge.EdgeCacheMetrics;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.transcode.LadderTranscoder.RungStatus;
import dev.glasscast.transcode.restream.RestreamStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics ({@code GET /metrics}): JVM and process meters, the edge
 * cache's ({@link EdgeCacheMetrics}), streams live, bytes received per stream and frames each
 * running rung dropped. One registry per daemon, owned here and closed with it.
 */
public final class GlassCastMetrics implements StreamListener, AutoCloseable {

    /** Bytes received for one stream name across all its publications, so the counter never goes back. */
    private static final class IngestBytes {
        private long ended;
        private LiveStream current;

        synchronized void published(LiveStream stream) {
            if (current != null) {
                ended += current.bytesIn();
            }
            current = stream;
        }

        synchronized double total() {
            return ended + (current == null ? 0 : current.bytesIn());
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final EdgeCacheMetrics edge;
    private final Supplier<List<RungStatus>> rungs;
    private final Map<String, IngestBytes> ingestBytes = new ConcurrentHashMap<>();
    private final MultiGauge rungDrops;
    private final MultiGauge rungStepDowns;
    private final Supplier<List<RestreamStatus>> restreams;
    /** The meters of each destination, by its status (identity: a re-added URL is a new destination). */
    private final Map<RestreamStatus, List<Meter>> restreamMeters = new IdentityHashMap<>();

    public GlassCastMetrics(StreamHub hub, EdgeCacheMetrics edge, Supplier<List<RungStatus>> rungs) {
        this(hub, edge, rungs, List::of);
    }

    /** @param restreams every restream destination now (they come and go: the API, a config reload) */
    public GlassCastMetrics(StreamHub hub, EdgeCacheMetrics edge, Supplier<List<RungStatus>> rungs,
                            Supplier<List<RestreamStatus>> restreams) {
        this.edge = edge;
        this.rungs = rungs;
        this.restreams = restreams;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        edge.bindTo(registry);
        Gauge.builder("glasscast.streams.live", hub, h -> h.liveStreams().stream().filter(s -> s.path().isSource()).count())
                .description("streams being published now").register(registry);
        rungDrops = MultiGauge.builder("glasscast.transcode.dropped.frames")
                .description("pictures each running rung dropped because it fell behind (since its stream was published)")
                .register(registry);
        rungStepDowns = MultiGauge.builder("glasscast.transcode.step.downs")
                .description("times each running rung stepped its encoder down (faster analysis, then half rate) to keep "
                        + "real time (since its stream was published)")
                .register(registry);
        syncRestreamMeters();
    }

    /** Registers the meters of destinations added since the last look, and removes those of destinations removed. */
    private synchronized void syncRestreamMeters() {
        List<RestreamStatus> now = restreams.get();
        Map<RestreamStatus, List<Meter>> gone = new IdentityHashMap<>(restreamMeters);
        for (RestreamStatus restream : now) {
            if (gone.remove(restream) == null) {
                restreamMeters.put(restream, restreamMeters(restream));
            }
        }
        gone.forEach((restream, meters) -> {
            meters.forEach(registry::remove);
            restreamMeters.remove(restream);
        });
    }

    private List<Meter> restreamMeters(RestreamStatus restream) {
        // The destination's URL holds its key: the metrics name it by its id.
        Tags tags = Tags.of("stream", restream.stream(), "destination", Integer.toString(restream.index()),
                "send", restream.send());
        return List.of(
                Gauge.builder("glasscast.restream.connected", restream, r -> r.isConnected() ? 1 : 0).tags(tags)
                        .description("1 while the restream destination is connected").register(registry),
                Gauge.builder("glasscast.restream.bitrate", restream, RestreamStatus::bitrate).tags(tags).baseUnit("bits")
                        .description("bits per second sent to the restream destination").register(registry),
                FunctionCounter.builder("glasscast.restream.sent", restream, RestreamStatus::bytesSent).tags(tags)
                        .baseUnit("bytes").description("media bytes sent to the restream destination").register(registry),
                FunctionCounter.builder("glasscast.restream.reconnects", restream, RestreamStatus::reconnects).tags(tags)
                        .description("connections to the restream destination after the first").register(registry),
                FunctionCounter.builder("glasscast.restream.failures", restream, RestreamStatus::failures).tags(tags)
                        .description("failed connections or writes to the restream destination").register(registry));
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        if (stream.path().isSource()) {
            String name = stream.path().stream();
            ingestBytes.computeIfAbsent(name, n -> {
                IngestBytes bytes = new IngestBytes();
                FunctionCounter.builder("glasscast.ingest.bytes", bytes, IngestBytes::total)
                        .description("bytes of media received from publishers").baseUnit("bytes")
                        .tags(Tags.of("stream", n)).register(registry);
                return bytes;
            }).published(stream);
        }
        return null;
    }

    /** The Prometheus text exposition of every meter, refreshing the per-stream and per-rung rows first. */
    public String scrape() {
        edge.refreshStreamRates();
        syncRestreamMeters();
        rungDrops.register(rungs.get().stream()
                .<MultiGauge.Row<?>>map(r -> MultiGauge.Row.of(Tags.of("stream", r.stream(), "rung", r.rendition()), r.droppedFrames()))
                .toList(), true);
        rungStepDowns.register(rungs.get().stream()
                .<MultiGauge.Row<?>>map(r -> MultiGauge.Row.of(Tags.of("stream", r.stream(), "rung", r.rendition()), r.stepDowns()))
                .toList(), true);
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
