package dev.glasscast.ingest.rtmp;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Records what the hub delivers of every stream, for assertions. */
final class HubRecorder implements StreamListener {

    final Set<StreamPath> published = ConcurrentHashMap.newKeySet();
    final List<List<TrackInfo>> trackAnnouncements = new CopyOnWriteArrayList<>();
    final List<AccessUnit> units = new CopyOnWriteArrayList<>();
    final CountDownLatch unpublished = new CountDownLatch(1);

    @Override
    public StreamReader onPublished(LiveStream stream) {
        published.add(stream.path());
        return new StreamReader() {
            @Override
            public void onTracks(List<TrackInfo> tracks) {
                trackAnnouncements.add(tracks);
            }

            @Override
            public void onAccessUnit(AccessUnit unit) {
                units.add(unit);
            }

            @Override
            public void onUnpublished() {
                unpublished.countDown();
            }
        };
    }

    List<AccessUnit> track(int trackId) {
        return units.stream().filter(u -> u.trackId() == trackId).toList();
    }
}
