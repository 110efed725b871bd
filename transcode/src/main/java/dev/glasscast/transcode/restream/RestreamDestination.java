package dev.glasscast.transcode.restream;

import dev.glasscast.config.RestreamConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.TrackInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination of one stream while the stream is live: its own thread takes the stream's
 * video and audio from a bounded queue and writes them to a {@link RestreamOutput}. When the
 * destination fails (cannot connect, refuses, stops reading), the connection is dropped and made
 * again after 1 s, 2 s, 4 s... (at most 30 s), starting at a video key frame; meanwhile its units
 * are dropped. A slow or dead destination only ever loses its own units: the hub's readers never
 * wait for it. Its {@link RestreamStatus} is what the dashboard, API and metrics show.
 */
final class RestreamDestination {

    private static final Logger log = LoggerFactory.getLogger(RestreamDestination.class);

    /** About 10 s of a 30 fps stream with its audio: what may wait while a connection is made. */
    static final int QUEUE_UNITS = 800;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private sealed interface Event permits Tracks, Unit, End {
    }

    private record Tracks(TrackInfo track) implements Event {
    }

    private record Unit(AccessUnit unit, boolean video) implements Event {
    }

    private record End() implements Event {
    }

    /** What the destination's connection needs to be made, and whether it is. */
    enum State {
        /** Waiting for the stream's tracks and a key frame. */
        STARTING,
        CONNECTING,
        CONNECTED,
        /** The last connection failed; the next one is made after the backoff. */
        RETRYING,
        /** The stream ended. */
        STOPPED
    }

    private final String stream;
    private final RestreamConfig destination;
    private final RestreamStatus status;
    private final LongSupplier nanoTime;
    private final HandoffQueue<Event> queue = new HandoffQueue<>(QUEUE_UNITS, HandoffQueue.WhenFull.DROP);
    /** Set by a reader whose unit was dropped: the writer skips to the next video key frame. */
    private final AtomicBoolean resync = new AtomicBoolean();
    private final Thread writer;
    /** Readers attached and not yet ended; -1 once the destination has stopped for good. */
    private final AtomicInteger readers = new AtomicInteger();
    private TrackInfo video;
    private TrackInfo audio;
    private RestreamOutput output;
    private boolean awaitingKeyFrame = true;
    private long retryAtNanos;
    private Duration nextRetry = FIRST_RETRY;

    /** Feeds come from {@link #attach}ed hub readers; it stops when every one of them has ended. */
    RestreamDestination(String stream, RestreamConfig destination, RestreamStatus status, LongSupplier nanoTime) {
        this.stream = stream;
        this.destination = destination;
        this.status = status;
        this.nanoTime = nanoTime;
        this.retryAtNanos = nanoTime.getAsLong();
        status.state(State.STARTING);
        // FFmpeg's network calls block in native code: a platform thread, not a virtual one.
        this.writer = Thread.ofPlatform().daemon().name("restream-" + stream + "-" + status.index()).start(this::run);
    }

    void tracks(TrackInfo track) {
        if (!stopped()) {
            queue.signal(new Tracks(track));
        }
    }

    void accessUnit(AccessUnit unit, boolean isVideo) {
        if (stopped()) {
            // Removed while its stream is live: the hub's readers feed it until the stream ends.
            return;
        }
        try {
            if (queue.offer(new Unit(unit, isVideo)) == HandoffQueue.Offer.REJECTED) {
                status.countDropped();
                resync.set(true);
            }
        } catch (InterruptedException e) {
            // A DROP queue never waits.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A hub reader (the source; or a rung, or the audio) starts feeding it; false once it has
     * stopped (the caller makes a new destination).
     */
    boolean attach() {
        while (true) {
            int attached = readers.get();
            if (attached < 0) {
                return false;
            }
            if (readers.compareAndSet(attached, attached + 1)) {
                return true;
            }
        }
    }

    /** One reader has ended. */
    void readerEnded() {
        queue.signal(new End());
    }

    /** Stops at once (daemon shutdown, the destination removed). */
    void stop() {
        readers.set(-1);
        writer.interrupt();
    }

    private boolean stopped() {
        return readers.get() < 0;
    }

    private void run() {
        try {
            while (true) {
                Event event = queue.take();
                switch (event) {
                    case Tracks t -> onTracks(t.track());
                    case Unit u -> onUnit(u.unit(), u.video());
                    case End e -> {
                        // -1 marks it stopped, so that a reader attaching now gets a new destination.
                        if (readers.decrementAndGet() == 0 && readers.compareAndSet(0, -1)) {
                            return;
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readers.set(-1);
            disconnect();
            status.state(State.STOPPED);
        }
    }

    private void onTracks(TrackInfo track) {
        TrackInfo before = track.isVideo() ? video : audio;
        if (track.isVideo()) {
            video = track;
        } else {
            audio = track;
        }
        if (output != null && before != null && !before.equals(track)) {
            // New codec parameters (a new period): a new connection announces them from its header.
            log.info("restream {} to {}: the {} track changed; reconnecting to announce it", stream,
                    destination.redactedUrl(), track.isVideo() ? "video" : "audio");
            disconnect();
            awaitingKeyFrame = true;
        }
    }

    private void onUnit(AccessUnit unit, boolean isVideo) {
        if (resync.getAndSet(false)) {
            awaitingKeyFrame = true;
        }
        if (awaitingKeyFrame) {
            if (!isVideo || !unit.keyFrame()) {
                return;
            }
            awaitingKeyFrame = false;
        }
        if (output == null && !connect()) {
            awaitingKeyFrame = true;
            return;
        }
        try {
            output.write(unit, isVideo);
            status.sent(unit.data().length);
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Connects, unless the backoff says not yet or a track is missing; false when not connected. */
    private boolean connect() {
        if (video == null || nanoTime.getAsLong() - retryAtNanos < 0) {
            return false;
        }
        status.state(State.CONNECTING);
        try {
            output = new RestreamOutput(destination.url(), destination.caFile(), video, audio);
        } catch (IOException e) {
            failed(e);
            return false;
        }
        if (status.connections() > 0) {
            log.info("restream {} to {}: reconnected", stream, destination.redactedUrl());
        } else {
            log.info("restream {} to {}: connected", stream, destination.redactedUrl());
        }
        status.connected();
        nextRetry = FIRST_RETRY;
        return true;
    }

    private void failed(IOException e) {
        disconnect();
        awaitingKeyFrame = true;
        status.failed(e.getMessage());
        log.warn("restream {} to {}: {}; trying again in {} s", stream, destination.redactedUrl(), e.getMessage(),
                nextRetry.toSeconds());
        retryAtNanos = nanoTime.getAsLong() + nextRetry.toNanos();
        nextRetry = nextRetry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : nextRetry.multipliedBy(2);
        status.state(State.RETRYING);
    }

    private void disconnect() {
        if (output != null) {
            output.close();
            output = null;
        }
    }
}
