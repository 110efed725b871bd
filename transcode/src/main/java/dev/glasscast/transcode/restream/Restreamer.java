package dev.glasscast.transcode.restream;

import dev.glasscast.config.RestreamConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Pushes each stream to its configured destinations while it is live. A destination that sends
 * {@code source} reads the publisher's own stream (its first H.264 or HEVC video and AAC audio
 * track) from the moment it is published until it ends; the daemon's test pattern is not
 * pushed. A destination that sends a rung reads that rendition and the shared audio rendition,
 * so it also carries the slate while the publisher is away, until the renditions end.
 * Thread-safe: the hub calls it from publishers' threads.
 */
public final class Restreamer implements StreamListener, AutoCloseable {

    private record Key(String stream, int index) {
    }

    private final Map<String, List<RestreamConfig>> destinations = new HashMap<>();
    private final Map<Key, RestreamStatus> statuses = new HashMap<>();
    private final Map<Key, RestreamDestination> active = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public Restreamer(List<StreamConfig> streams, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (StreamConfig stream : streams) {
            destinations.put(stream.name(), stream.restream());
            for (int i = 0; i < stream.restream().size(); i++) {
                RestreamConfig destination = stream.restream().get(i);
                statuses.put(new Key(stream.name(), i),
                        new RestreamStatus(stream.name(), i, destination.redactedUrl(), destination.send(), nanoTime));
            }
        }
    }

    /** Every configured destination's status, by stream, in configuration order. */
    public List<RestreamStatus> statuses() {
        return statuses.values().stream()
                .sorted(java.util.Comparator.comparing(RestreamStatus::stream).thenComparing(RestreamStatus::index))
                .toList();
    }

    @Override
    public StreamReader onPublished(LiveStream live) {
        String stream = live.path().stream();
        List<RestreamConfig> list = destinations.getOrDefault(stream, List.of());
        List<Feed> feeds = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            RestreamConfig destination = list.get(i);
            boolean fromSource = destination.send().equals(RestreamConfig.SOURCE);
            Feed feed;
            if (fromSource && live.path().isSource()) {
                if (live.standIn()) {
                    continue;
                }
                feed = new Feed(true, true);
            } else if (!fromSource && !live.path().isSource() && live.path().rendition().equals(destination.send())) {
                feed = new Feed(true, false);
            } else if (!fromSource && !live.path().isSource()
                    && live.path().rendition().equals(LadderTranscoder.AUDIO_RENDITION)) {
                feed = new Feed(false, true);
            } else {
                continue;
            }
            feed.destination = destinationFor(new Key(stream, i), destination);
            feeds.add(feed);
        }
        return feeds.isEmpty() ? null : new FeedReader(feeds);
    }

    private RestreamDestination destinationFor(Key key, RestreamConfig destination) {
        RestreamDestination running = active.compute(key, (k, existing) -> existing != null && existing.attach()
                ? existing : attached(new RestreamDestination(k.stream(), destination, statuses.get(k), nanoTime)));
        return running;
    }

    private static RestreamDestination attached(RestreamDestination destination) {
        destination.attach();
        return destination;
    }

    /** What one hub reader gives one destination. */
    private static final class Feed {
        final boolean video;
        final boolean audio;
        RestreamDestination destination;

        Feed(boolean video, boolean audio) {
            this.video = video;
            this.audio = audio;
        }
    }

    /** One hub reader, handing its tracks' units to the destinations that want them. */
    private static final class FeedReader implements StreamReader {
        private final List<Feed> feeds;
        /** The track ids taken, with whether each is video: the first H.264/HEVC and the first AAC. */
        private final Map<Integer, Boolean> taken = new HashMap<>();

        FeedReader(List<Feed> feeds) {
            this.feeds = feeds;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            taken.clear();
            for (TrackInfo track : tracks) {
                boolean video = track.isVideo() && (track.codec() == Codec.H264 || track.codec() == Codec.H265);
                boolean audio = track.codec() == Codec.AAC;
                if ((video || audio) && !taken.containsValue(video)) {
                    taken.put(track.trackId(), video);
                    for (Feed feed : feeds) {
                        if (video ? feed.video : feed.audio) {
                            feed.destination.tracks(track);
                        }
                    }
                }
            }
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            Boolean video = taken.get(unit.trackId());
            if (video == null) {
                return;
            }
            for (Feed feed : feeds) {
                if (video ? feed.video : feed.audio) {
                    feed.destination.accessUnit(unit, video);
                }
            }
        }

        @Override
        public void onUnpublished() {
            for (Feed feed : feeds) {
                feed.destination.readerEnded();
            }
        }
    }

    @Override
    public void close() {
        active.values().forEach(RestreamDestination::stop);
    }
}
