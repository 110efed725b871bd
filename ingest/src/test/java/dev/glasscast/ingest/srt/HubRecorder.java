package dev.glasscast.ingest.srt;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Records what the hub's readers see, per stream name. */
final class HubRecorder implements StreamListener {

    static final class Recording implements StreamReader {
        final List<List<TrackInfo>> tracks = Collections.synchronizedList(new ArrayList<>());
        final List<AccessUnit> units = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch unpublished = new CountDownLatch(1);
        final CountDownLatch firstUnit = new CountDownLatch(1);

        @Override
        public void onTracks(List<TrackInfo> announced) {
            tracks.add(announced);
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            units.add(unit);
            firstUnit.countDown();
        }

        @Override
        public void onUnpublished() {
            unpublished.countDown();
        }

        boolean awaitUnpublished(long seconds) throws InterruptedException {
            return unpublished.await(seconds, TimeUnit.SECONDS);
        }

        List<AccessUnit> unitsOf(TrackInfo track) {
            synchronized (units) {
                return units.stream().filter(u -> u.trackId() == track.trackId()).toList();
            }
        }

        TrackInfo lastTrack(dev.glasscast.media.Codec codec) {
            return tracks.getLast().stream().filter(t -> t.codec() == codec).findFirst().orElseThrow();
        }
    }

    final Map<String, Recording> streams = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> published = new ConcurrentHashMap<>();

    @Override
    public StreamReader onPublished(LiveStream stream) {
        Recording recording = new Recording();
        streams.put(stream.path().stream(), recording);
        latch(stream.path().stream()).countDown();
        return recording;
    }

    private CountDownLatch latch(String name) {
        return published.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    Recording await(String name, long seconds) throws InterruptedException {
        if (!latch(name).await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("stream " + name + " was never published");
        }
        return streams.get(name);
    }
}
