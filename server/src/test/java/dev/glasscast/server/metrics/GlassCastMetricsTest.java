package dev.glasscast.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.edge.EdgeCache;
import dev.glasscast.edge.EdgeCacheMetrics;
import dev.glasscast.edge.EdgeCacheSettings;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.transcode.LadderTranscoder.RungStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GlassCastMetricsTest {

    @Test
    void scrapeHasJvmEdgeStreamIngestAndTranscoderMeters() throws Exception {
        GlassCastConfig config = new ConfigLoader().defaults();
        EdgeCacheSettings settings = EdgeCacheSettings.from(config.cache(), config.packaging());
        StreamHub hub = new StreamHub();
        try (EdgeCache edge = new EdgeCache(request -> CompletableFuture.<OriginResponse>failedFuture(new IllegalStateException()), settings);
             GlassCastMetrics metrics = new GlassCastMetrics(hub, new EdgeCacheMetrics(edge, settings.maxBytes()),
                     () -> List.of(new RungStatus("main", "240p", 426, 240, 100, 7, "as configured", 2)))) {
            hub.addListener(metrics);
            StreamPublisher first = hub.publish(StreamPath.source("main"));
            first.send(new AccessUnit(1, 0, 0, 1, true, new byte[1000]));
            first.close();
            StreamPublisher second = hub.publish(StreamPath.source("main"));
            second.send(new AccessUnit(1, 0, 0, 1, true, new byte[500]));

            String text = metrics.scrape();
            assertTrue(text.contains("jvm_memory_used_bytes"), text);
            assertTrue(text.contains("process_uptime_seconds"), text);
            assertTrue(text.contains("glasscast_edge_hit_ratio"), text);
            assertTrue(text.contains("glasscast_streams_live 1.0"), text);
            // Bytes of both publications: the counter never goes back when a publisher reconnects.
            assertTrue(text.contains("glasscast_ingest_bytes_total{stream=\"main\"} 1500.0"), text);
            assertTrue(text.contains("glasscast_transcode_dropped_frames{rung=\"240p\",stream=\"main\"} 7.0"), text);
            second.close();
        }
    }
}
