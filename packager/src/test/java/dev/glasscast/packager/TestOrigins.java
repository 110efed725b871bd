package dev.glasscast.packager;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.cmaf.CmafObjectOrigin;
import dev.glasscast.packager.dash.DashOrigin;
import dev.glasscast.packager.hls.HlsOrigin;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SnapshotWaiters;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Builds the packager's origin as {@code GlassCastServer} does (HLS, DASH and the CMAF objects
 * behind one {@link PackagerOrigin}, the default packaging config), over a test's store, clock and
 * disk-read executor. Without a reconnect grace: an ended rendition is over at once.
 */
public final class TestOrigins {

    private TestOrigins() {
    }

    /** Over {@code store}, with the wall clock; media on disk is read on the calling thread. */
    public static PackagerOrigin over(RenditionLookup store) {
        return over(store, Clock.systemUTC(), Runnable::run);
    }

    public static PackagerOrigin over(RenditionLookup store, Clock clock, Executor diskReadThreads) {
        return over(store, clock, diskReadThreads, waiters());
    }

    /** Waiters for {@link #over(RenditionLookup, Clock, Executor, SnapshotWaiters)}, to be told of a test's publishes. */
    public static SnapshotWaiters waiters() {
        // Its thread starts only if a request waits (a blocking reload, a hinted part).
        return new SnapshotWaiters(Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("test-origin-waits").daemon().factory()));
    }

    public static PackagerOrigin over(RenditionLookup store, Clock clock, Executor diskReadThreads,
                                      SnapshotWaiters waiters) {
        PackagingConfig packaging = new ConfigLoader().defaults().packaging();
        DiskReads diskReads = new DiskReads(diskReadThreads);
        CmafObjectOrigin cmafObjects = new CmafObjectOrigin(store, waiters, PooledByteBufAllocator.DEFAULT, diskReads,
                RecordedSegmentFiles.NONE);
        HlsOrigin hls = new HlsOrigin(store, packaging.playlistSegments(), packaging.partDuration(), waiters, clock,
                Duration.ZERO, diskReads);
        DashOrigin dash = new DashOrigin(store, packaging.dvrWindow(), packaging.segmentDuration(), "/time", null,
                packaging.segmentDuration().minus(packaging.partDuration()), clock, Duration.ZERO);
        return new PackagerOrigin(hls, dash, cmafObjects);
    }

    /** A lookup of fixed snapshots, all of them renditions of {@code stream}, listed in this order. */
    public static RenditionLookup fixed(String stream, RenditionSnapshot... renditions) {
        List<RenditionSnapshot> all = Arrays.asList(renditions);
        return new RenditionLookup() {
            @Override
            public Optional<RenditionSnapshot> find(StreamPath rendition) {
                return all.stream().filter(r -> r.path().equals(rendition)).findFirst();
            }

            @Override
            public List<RenditionSnapshot> renditions(String name) {
                return name.equals(stream) ? all : List.of();
            }
        };
    }
}
