package dev.glasscast.transcode.restream;

import dev.glasscast.config.RestreamConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each stream to its destinations while it is live. A destination that sends
 * {@code source} reads the publisher's own stream (its first H.264 or HEVC video and AAC audio
 * track) from the moment it is published until it ends; the daemon's test pattern is not
 * pushed. A destination that sends a rung reads that rendition and the shared audio rendition,
 * so it also carries the slate while the publisher is away, until the renditions end.
 *
 * <p>Destinations come from the config and change at runtime: {@link #add} and {@link #remove}
 * (the operator API) and {@link #reconfigure} (a config reload, which adds and removes only the
 * config's own: what the API added stays until removed or the daemon restarts). One added while
 * its stream is live starts at once, from the next key frame; one removed stops at once. Each has
 * an id, unique within its stream and never reused, which the API, metrics and logs name it by
 * (its URL holds a key).
 *
 * <p>Thread-safe. The hub calls {@link #onPublished} with its own lock held, so that path takes
 * no lock of this class; {@link #add}, {@link #remove} and {@link #reconfigure} are serialised by
 * this class's lock and take the hub's inside it, never the other way round.
 */
public final class Restreamer implements StreamListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Restreamer.class);

    private record Key(String stream, int id) {
    }

    /** One destination: where, whether the config holds it, and the publications feeding it. */
    private record Entry(Key key, RestreamConfig config, boolean fromConfig, RestreamStatus status,
                         Set<LiveStream> feeding) {
    }

    private final StreamHub hub;
    private final LongSupplier nanoTime;
    /** By stream, then id (the order they were added); read without a lock by {@link #onPublished}. */
    private final Map<Key, Entry> entries = new ConcurrentSkipListMap<>(
            Comparator.comparing(Key::stream).thenComparingInt(Key::id));
    private final Map<String, Integer> nextId = new HashMap<>();
    private final Map<Key, RestreamDestination> active = new ConcurrentHashMap<>();

    /** @param streams the configured streams, each with its {@code restream} list */
    public Restreamer(StreamHub hub, List<StreamConfig> streams, LongSupplier nanoTime) {
        this.hub = hub;
        this.nanoTime = nanoTime;
        for (StreamConfig stream : streams) {
            for (RestreamConfig destination : stream.restream()) {
                put(stream.name(), destination, true);
            }
        }
    }

    /** Every destination's status, by stream, then in the order they were added. */
    public List<RestreamStatus> statuses() {
        return entries.values().stream().map(Entry::status).toList();
    }

    /**
     * Adds a destination to {@code stream}; if the stream is live, it starts at once.
     *
     * @return its status (its id: {@link RestreamStatus#index()})
     */
    public synchronized RestreamStatus add(String stream, RestreamConfig destination) {
        Entry entry = put(stream, destination, false);
        log.info("restream {} #{} to {} ({}) added", stream, entry.key().id(), destination.redactedUrl(), destination.send());
        feedFromLivePublications(entry);
        return entry.status();
    }

    /** Removes a destination and stops it; false if {@code stream} has none with that id. */
    public synchronized boolean remove(String stream, int id) {
        Entry entry = entries.remove(new Key(stream, id));
        if (entry == null) {
            return false;
        }
        stopActive(entry.key());
        log.info("restream {} #{} to {} removed", stream, id, entry.config().redactedUrl());
        return true;
    }

    /**
     * A config reload: destinations the new config lists that the old did not are added (and
     * start if their stream is live); the old config's that the new one does not list are
     * removed. Destinations in both, and those added through the API, carry on undisturbed.
     */
    public synchronized void reconfigure(List<StreamConfig> streams) {
        // What the new config lists, less what runs already: what is left is to be added.
        List<Map.Entry<String, RestreamConfig>> unmatched = new ArrayList<>();
        for (StreamConfig stream : streams) {
            stream.restream().forEach(destination -> unmatched.add(Map.entry(stream.name(), destination)));
        }
        for (Entry entry : List.copyOf(entries.values())) {
            if (entry.fromConfig() && !unmatched.remove(Map.entry(entry.key().stream(), entry.config()))) {
                remove(entry.key().stream(), entry.key().id());
            }
        }
        for (Map.Entry<String, RestreamConfig> destination : unmatched) {
            Entry entry = put(destination.getKey(), destination.getValue(), true);
            log.info("restream {} #{} to {} ({}) added by the config", entry.key().stream(), entry.key().id(),
                    destination.getValue().redactedUrl(), destination.getValue().send());
            feedFromLivePublications(entry);
        }
    }

    private Entry put(String stream, RestreamConfig destination, boolean fromConfig) {
        int id = nextId.merge(stream, 1, Integer::sum) - 1;
        Key key = new Key(stream, id);
        Entry entry = new Entry(key, destination, fromConfig,
                new RestreamStatus(stream, id, destination.redactedUrl(), destination.send(), nanoTime),
                ConcurrentHashMap.newKeySet());
        entries.put(key, entry);
        return entry;
    }

    /** Attaches a new destination to what of its stream is live now, each publication once. */
    private void feedFromLivePublications(Entry entry) {
        for (LiveStream live : hub.liveStreams()) {
            Feed feed = live.path().stream().equals(entry.key().stream()) ? feedFor(live, entry) : null;
            if (feed != null) {
                feed.destination = destinationFor(entry);
                FeedReader reader = new FeedReader(List.of(feed));
                if (hub.read(live.path(), reader).isEmpty()) {
                    // It ended meanwhile: the reader was never attached.
                    feed.destination.readerEnded();
                }
            }
        }
    }

    private void stopActive(Key key) {
        RestreamDestination running = active.remove(key);
        if (running != null) {
            running.stop();
        }
    }

    @Override
    public StreamReader onPublished(LiveStream live) {
        List<Feed> feeds = new ArrayList<>();
        for (Entry entry : entries.values()) {
            Feed feed = live.path().stream().equals(entry.key().stream()) ? feedFor(live, entry) : null;
            if (feed != null) {
                feed.destination = destinationFor(entry);
                feeds.add(feed);
            }
        }
        return feeds.isEmpty() ? null : new FeedReader(feeds);
    }

    /**
     * What {@code live} gives the destination, or null: nothing, or it feeds it already (a
     * destination added just as the stream was published is attached once).
     */
    private static Feed feedFor(LiveStream live, Entry entry) {
        RestreamConfig destination = entry.config();
        boolean fromSource = destination.send().equals(RestreamConfig.SOURCE);
        Feed feed;
        if (fromSource && live.path().isSource()) {
            if (live.standIn()) {
                return null;
            }
            feed = new Feed(true, true, live, entry.feeding());
        } else if (!fromSource && !live.path().isSource() && live.path().rendition().equals(destination.send())) {
            feed = new Feed(true, false, live, entry.feeding());
        } else if (!fromSource && !live.path().isSource()
                && live.path().rendition().equals(LadderTranscoder.AUDIO_RENDITION)) {
            feed = new Feed(false, true, live, entry.feeding());
        } else {
            return null;
        }
        return entry.feeding().add(live) ? feed : null;
    }

    private RestreamDestination destinationFor(Entry entry) {
        RestreamDestination destination = active.compute(entry.key(), (k, existing) -> existing != null && existing.attach()
                ? existing : attached(new RestreamDestination(k.stream(), entry.config(), entry.status(), nanoTime)));
        if (!entries.containsKey(entry.key())) {
            // Removed while a publication was being attached to it: it must not run on.
            stopActive(entry.key());
        }
        return destination;
    }

    private static RestreamDestination attached(RestreamDestination destination) {
        destination.attach();
        return destination;
    }

    /** What one hub reader (of {@code live}) gives one destination. */
    private static final class Feed {
        final boolean video;
        final boolean audio;
        final LiveStream live;
        final Set<LiveStream> feedingEntry;
        RestreamDestination destination;

        Feed(boolean video, boolean audio, LiveStream live, Set<LiveStream> feedingEntry) {
            this.video = video;
            this.audio = audio;
            this.live = live;
            this.feedingEntry = feedingEntry;
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
                feed.feedingEntry.remove(feed.live);
                feed.destination.readerEnded();
            }
        }
    }

    @Override
    public void close() {
        active.values().forEach(RestreamDestination::stop);
    }
}
