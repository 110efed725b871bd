package dev.glasscast.transcode;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records every rendition the hub carries: its tracks, its access units, whether it ended. */
final class RenditionCollector implements StreamListener {

    static final class Rendition implements StreamReader {
        volatile List<TrackInfo> tracks = List.of();
        final List<AccessUnit> units = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        volatile int discontinuities;
        /** How many units had arrived at each discontinuity, in order. */
        final List<Integer> unitsAtDiscontinuity = new CopyOnWriteArrayList<>();

        @Override
        public void onTracks(List<TrackInfo> newTracks) {
            tracks = newTracks;
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            units.add(unit);
        }

        @Override
        public void onDiscontinuity() {
            unitsAtDiscontinuity.add(units.size());
            discontinuities++;
        }

        /** Units since the first discontinuity (e.g. into the slate), 0 before it. */
        int unitsSinceFirstDiscontinuity() {
            return unitsAtDiscontinuity.isEmpty() ? 0 : units.size() - unitsAtDiscontinuity.getFirst();
        }

        @Override
        public void onUnpublished() {
            ended.countDown();
        }

        TrackInfo track() {
            return tracks.getFirst();
        }
    }

    final Map<String, Rendition> renditions = new ConcurrentHashMap<>();
    /** How often each rendition name was published (a republished stream publishes them again). */
    final Map<String, Integer> publications = new ConcurrentHashMap<>();

    @Override
    public StreamReader onPublished(LiveStream stream) {
        if (stream.path().isSource()) {
            return null;
        }
        Rendition rendition = new Rendition();
        renditions.put(stream.path().rendition(), rendition);
        publications.merge(stream.path().rendition(), 1, Integer::sum);
        return rendition;
    }

    /**
     * Waits (up to a generous bound meant only to end a broken test) until rendition {@code name}
     * has at least {@code units} access units.
     */
    void awaitUnits(String name, int units, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (renditions.get(name) == null || renditions.get(name).units.size() < units) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rendition " + name + ": fewer than " + units + " units in " + timeoutSeconds + " s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits (up to a generous bound meant only to end a broken test) until rendition {@code name}
     * has had a discontinuity and at least {@code units} access units after it.
     */
    void awaitUnitsAfterDiscontinuity(String name, int units, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            Rendition rendition = renditions.get(name);
            if (rendition != null && rendition.unitsSinceFirstDiscontinuity() >= units) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rendition " + name + ": fewer than " + units + " units after a discontinuity in "
                        + timeoutSeconds + " s (" + (rendition == null ? "never published" : rendition.units.size()
                        + " units, discontinuities at " + rendition.unitsAtDiscontinuity) + ")");
            }
            Thread.sleep(20);
        }
    }

    /** Waits (up to a generous bound meant only to end a broken test) until these renditions ended. */
    void awaitEnded(Set<String> names, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (String name : names) {
            while (!renditions.containsKey(name)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("rendition " + name + " never published; have " + renditions.keySet());
                }
                Thread.sleep(20);
            }
            long left = deadline - System.nanoTime();
            if (!renditions.get(name).ended.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("rendition " + name + " did not end");
            }
        }
    }
}
