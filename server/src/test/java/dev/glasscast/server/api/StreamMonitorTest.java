package dev.glasscast.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder.RungStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamMonitorTest {

    private final GlassCastConfig config = new ConfigLoader().defaults().withIngest(new ConfigLoader().defaults().ingest()
            .withStreams(List.of(new StreamConfig("main", "key-main"), new StreamConfig("other", "key-other"))));
    private final StreamHub hub = new StreamHub();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong encoded = new AtomicLong();
    private double segmentRate;

    private StreamMonitor monitor() {
        StreamMonitor.Sources sources = new StreamMonitor.Sources(hub,
                () -> List.of(new RungStatus("main", "240p", 426, 240, encoded.get(), 3, "as configured", 0)),
                List::of, stream -> stream.equals("main") ? segmentRate : 0, () -> 0.75, java.util.Map::of, List::of);
        return new StreamMonitor(config, () -> new PublicAddresses("http://192.0.2.1:8080", "192.0.2.1", 1935, 9000),
                sources, nanos::get, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void ratesComeFromTwoSamplesAndOfflineStreamsAreListedToo() throws Exception {
        StreamMonitor monitor = monitor();
        StreamPublisher source = hub.publish(StreamPath.source("main"));
        source.tracks(List.of(TrackInfo.video(1, Codec.H264, 90_000, 1280, 720, 25, 0, new byte[0]),
                TrackInfo.audio(2, Codec.AAC, 48_000, 48_000, 2, 128_000, new byte[0])));
        monitor.sample();
        source.send(new AccessUnit(1, 0, 0, 3600, true, new byte[250_000]));
        encoded.set(50);
        segmentRate = 3.0;
        nanos.addAndGet(2_000_000_000L);
        monitor.sample();

        StreamReport main = monitor.report("main").orElseThrow();
        assertTrue(main.live());
        assertEquals("H264", main.source().videoCodec());
        assertEquals(1280, main.source().width());
        assertEquals("AAC", main.source().audioCodec());
        assertEquals(1_000_000.0, main.source().bitrate(), 1e-6);
        StreamReport.Rung rung = main.rungs().get(0);
        assertEquals("240p", rung.name());
        assertEquals(25.0, rung.fps(), 1e-9);
        assertEquals(1.0, rung.speed(), 1e-9);
        // 3 requests/s; one viewer asks video + audio once per 2 s segment: 1 request/s.
        assertEquals(3.0, main.audience().viewers(), 1e-9);
        assertEquals(0.75, main.audience().cacheHitRatio(), 1e-9);
        assertEquals(1, main.history().size());
        assertEquals("http://192.0.2.1:8080/watch/main", main.watchUrl());
        assertEquals("rtmp://192.0.2.1:1935/live", main.obs().rtmpServer());
        assertEquals("key-main", main.obs().streamKey());
        assertTrue(main.obs().srtUrl().startsWith("srt://192.0.2.1:9000?streamid=key-main&latency="), main.obs().srtUrl());
        assertNull(main.srt());

        StreamReport other = monitor.report("other").orElseThrow();
        assertFalse(other.live());
        assertEquals(2, monitor.reports().size());
        assertEquals(List.of("main"), monitor.liveStreamNames());
        assertTrue(monitor.report("missing").isEmpty());
    }

    @Test
    void aStreamThatEndsLosesItsRatesAndHistory() throws Exception {
        StreamMonitor monitor = monitor();
        StreamPublisher source = hub.publish(StreamPath.source("main"));
        monitor.sample();
        nanos.addAndGet(2_000_000_000L);
        monitor.sample();
        source.close();
        monitor.sample();
        StreamReport main = monitor.report("main").orElseThrow();
        assertFalse(main.live());
        assertTrue(main.history().isEmpty());
    }
}
