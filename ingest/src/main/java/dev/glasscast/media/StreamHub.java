package dev.glasscast.media;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streams of the daemon and their fan-out: one publisher per {@link StreamPath}, any
 * number of readers, each with its own bounded queue and its own (virtual) thread.
 *
 * <p>A reader whose queue holds {@code readerQueueCapacity} access units drops further units and
 * counts them; after a dropped video frame it also drops the track's frames up to the next key
 * frame, so what it does receive always decodes. Lifecycle events (tracks, discontinuity,
 * unpublished) are never dropped. A reader that joins a live stream starts at the next key frame.
 */
public final class StreamHub {

    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);

    /** Default queue bound per reader: about 10 s of 30 fps video plus its audio. */
    public static final int DEFAULT_READER_QUEUE_CAPACITY = 1024;

    private final int readerQueueCapacity;
    private final Clock clock;
    private final Map<StreamPath, Publication> live = new ConcurrentHashMap<>();
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();

    public StreamHub(int readerQueueCapacity, Clock clock) {
        if (readerQueueCapacity < 1) {
            throw new IllegalArgumentException("readerQueueCapacity must be at least 1");
        }
        this.readerQueueCapacity = readerQueueCapacity;
        this.clock = clock;
    }

    public StreamHub() {
        this(DEFAULT_READER_QUEUE_CAPACITY, Clock.systemUTC());
    }

    /**
     * Claims {@code path} for a new publisher and tells every listener. A stand-in that holds the
     * path ({@link #publishStandIn}) gives way: its stream ends and its connection is dropped.
     *
     * @throws StreamConflictException if another publisher, not a stand-in, holds the path
     */
    public synchronized StreamPublisher publish(StreamPath path) throws StreamConflictException {
        return claim(path, false);
    }

    /**
     * Claims {@code path} for a stand-in, a publisher that holds the path only until a real one
     * comes: the built-in test pattern, so that OBS pointed at the stream a newcomer is watching
     * takes it over instead of being refused.
     *
     * @throws StreamConflictException if any publisher holds the path
     */
    public synchronized StreamPublisher publishStandIn(StreamPath path) throws StreamConflictException {
        return claim(path, true);
    }

    private StreamPublisher claim(StreamPath path, boolean standIn) throws StreamConflictException {
        Publication holder = live.get(path);
        if (holder != null) {
            if (standIn || !holder.stream.standIn()) {
                throw new StreamConflictException(path);
            }
            log.info("{}: a publisher takes over from the stand-in", path);
            holder.disconnect("taken over by another publisher");
        }
        LiveStream stream = new LiveStream(path, clock.instant(), standIn);
        Publication publication = new Publication(stream);
        live.put(path, publication);
        log.debug("published {}", path);
        for (StreamListener listener : listeners) {
            publication.attach(listener);
        }
        return publication;
    }

    /**
     * Registers a listener for streams published from now on and, at once, for those already
     * live. The returned handle removes it (readers already attached keep reading).
     */
    public synchronized AutoCloseable addListener(StreamListener listener) {
        listeners.add(listener);
        for (Publication publication : live.values()) {
            publication.attach(listener);
        }
        return () -> listeners.remove(listener);
    }

    /**
     * Attaches {@code reader} to the stream live at {@code path} now (not to later publications),
     * from its next key frame. Closing the returned handle detaches it: the reader gets
     * {@code onUnpublished} and its thread ends, as when the stream ends. Empty when nothing is
     * live at {@code path}.
     */
    public synchronized Optional<AutoCloseable> read(StreamPath path, StreamReader reader) {
        Publication publication = live.get(path);
        if (publication == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(publication.attach(ignored -> reader));
    }

    public Optional<LiveStream> find(StreamPath path) {
        Publication publication = live.get(path);
        return publication == null ? Optional.empty() : Optional.of(publication.stream);
    }

    public boolean isLive(StreamPath path) {
        return live.containsKey(path);
    }

    /** A snapshot of the live streams, sources and renditions. */
    public List<LiveStream> liveStreams() {
        List<LiveStream> streams = new ArrayList<>();
        for (Publication publication : live.values()) {
            streams.add(publication.stream);
        }
        return streams;
    }

    /**
     * Disconnects the publisher of {@code path} (the operator's "kick"): ends its stream and runs
     * the disconnect the ingest session registered with {@link StreamPublisher#onDisconnect}. The
     * publisher may reconnect; revoke its key to keep it out.
     *
     * @return false if nothing publishes {@code path}
     */
    public boolean kick(StreamPath path) {
        Publication publication = live.get(path);
        if (publication == null) {
            return false;
        }
        log.info("{}: kicked by the operator", path);
        publication.disconnect("kicked by the operator");
        return true;
    }

    private synchronized void unpublish(Publication publication) {
        live.remove(publication.stream.path(), publication);
        log.debug("unpublished {}", publication.stream.path());
    }

    private final class Publication implements StreamPublisher {
        private final LiveStream stream;
        private final List<ReaderPump> pumps = new CopyOnWriteArrayList<>();
        private volatile boolean closed;
        private volatile Consumer<String> disconnect;
        private boolean receivedMedia;

        Publication(LiveStream stream) {
            this.stream = stream;
        }

        /** Starts {@code listener}'s reader, if it wants one; returns the handle that detaches it. */
        AutoCloseable attach(StreamListener listener) {
            if (closed) {
                return null;
            }
            StreamReader reader;
            try {
                reader = listener.onPublished(stream);
            } catch (RuntimeException e) {
                log.error("listener {} failed on {}; it will not read this stream", listener, stream.path(), e);
                return null;
            }
            if (reader == null) {
                return null;
            }
            ReaderPump pump = new ReaderPump(stream, reader, readerQueueCapacity);
            List<TrackInfo> tracks = stream.tracks();
            if (!tracks.isEmpty()) {
                pump.tracks(tracks);
            }
            pumps.add(pump);
            pump.start();
            return () -> {
                if (pumps.remove(pump)) {
                    pump.unpublished();
                }
            };
        }

        @Override
        public LiveStream stream() {
            return stream;
        }

        @Override
        public void notice(String notice) {
            if (!closed && stream.addNotice(notice)) {
                log.warn("{}: {}", stream.path(), notice);
            }
        }

        @Override
        public void onDisconnect(Consumer<String> disconnectConnection) {
            this.disconnect = disconnectConnection;
        }

        /**
         * Ends the stream here, so the path is free at once, then has the ingest session drop the
         * connection on its own thread; what the publisher still sends meanwhile is ignored.
         */
        void disconnect(String reason) {
            close();
            Consumer<String> connection = disconnect;
            if (connection != null) {
                connection.accept(reason);
            }
        }

        @Override
        public void tracks(List<TrackInfo> tracks) {
            stream.setTracks(tracks);
            for (ReaderPump pump : pumps) {
                pump.tracks(stream.tracks());
            }
        }

        @Override
        public void send(AccessUnit unit) {
            if (closed) {
                return;
            }
            if (!receivedMedia) {
                receivedMedia = true;
                if (stream.path().isSource()) {
                    // Wall-clock milliseconds, so latency benchmarks can line it up with a client's clock.
                    log.info("{}: first access unit at {} ms", stream.path(), clock.millis());
                }
            }
            stream.countIn(unit);
            for (ReaderPump pump : pumps) {
                pump.offer(unit);
            }
        }

        @Override
        public void discontinuity() {
            for (ReaderPump pump : pumps) {
                pump.discontinuity();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            unpublish(this);
            for (ReaderPump pump : pumps) {
                if (pumps.remove(pump)) {
                    pump.unpublished();
                }
            }
        }
    }

    /** One reader's queue and thread. */
    private static final class ReaderPump implements Runnable {
        private sealed interface Event permits Tracks, Unit, Discontinuity, End {
        }

        private record Tracks(List<TrackInfo> tracks) implements Event {
        }

        private record Unit(AccessUnit unit) implements Event {
        }

        private record Discontinuity() implements Event {
        }

        private record End() implements Event {
        }

        private final LiveStream stream;
        private final StreamReader reader;
        // A slow reader must not stall the publisher, which may be a Netty event loop: drop.
        private final HandoffQueue<Event> queue;
        // Video tracks that must skip to the next key frame; touched only by the publisher thread.
        private final Set<Integer> awaitingKeyFrame = new HashSet<>();
        private final Set<Integer> videoTracks = ConcurrentHashMap.newKeySet();

        ReaderPump(LiveStream stream, StreamReader reader, int capacity) {
            this.stream = stream;
            this.reader = reader;
            this.queue = new HandoffQueue<>(capacity, HandoffQueue.WhenFull.DROP);
            for (TrackInfo track : stream.tracks()) {
                if (track.isVideo()) {
                    awaitingKeyFrame.add(track.trackId());
                }
            }
        }

        void start() {
            Thread.ofVirtual().name("reader-" + stream.path() + "-" + reader.getClass().getSimpleName()).start(this);
        }

        void tracks(List<TrackInfo> tracks) {
            videoTracks.clear();
            for (TrackInfo track : tracks) {
                if (track.isVideo()) {
                    videoTracks.add(track.trackId());
                }
            }
            queue.signal(new Tracks(tracks));
        }

        void offer(AccessUnit unit) {
            boolean video = videoTracks.contains(unit.trackId());
            if (video && awaitingKeyFrame.contains(unit.trackId())) {
                if (!unit.keyFrame()) {
                    return;
                }
                awaitingKeyFrame.remove(unit.trackId());
            }
            HandoffQueue.Offer offer;
            try {
                offer = queue.offer(new Unit(unit));
            } catch (InterruptedException e) {
                // Only a WAIT queue waits; this one drops, so this does not happen.
                Thread.currentThread().interrupt();
                return;
            }
            if (offer == HandoffQueue.Offer.REJECTED) {
                stream.countDropped();
                if (video) {
                    awaitingKeyFrame.add(unit.trackId());
                }
            }
        }

        void discontinuity() {
            queue.signal(new Discontinuity());
        }

        void unpublished() {
            queue.signal(new End());
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Event event = queue.take();
                    try {
                        switch (event) {
                            case Tracks t -> reader.onTracks(t.tracks());
                            case Unit u -> reader.onAccessUnit(u.unit());
                            case Discontinuity d -> reader.onDiscontinuity();
                            case End e -> {
                                reader.onUnpublished();
                                return;
                            }
                        }
                    } catch (RuntimeException e) {
                        log.error("reader {} of {} failed on {}", reader, stream.path(), event, e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
