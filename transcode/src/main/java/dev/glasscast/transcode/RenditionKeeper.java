package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each stream's renditions alive when its publisher goes away, and fills the gap with the
 * slate (see {@link ContinuousRendition}). The renditions of a stream are held here, not by the
 * {@link SourceTranscoder} of one publish: a publisher that stalls for longer than
 * {@code stallAfter}, or disconnects, leaves them running on the slate; a new publish of the same
 * stream (or media resuming) takes them over at its next key frame; after the slate's timeout
 * they end and the packager keeps what was recorded as VOD. Named for what it keeps: the
 * slate is only how it fills the gaps.
 *
 * <p>One platform thread ({@code slate-keeper}, the name logs and thread dumps have always shown) ticks every {@code tick} while any stream is
 * held, encodes each rendition's slate ahead of need and sends slate frames in real time. It
 * ends by itself when no stream is held. Thread-safe.
 */
final class RenditionKeeper {

    /**
     * Default silence after which a connected publisher counts as stalled. About what players
     * hold at the default 333 ms parts (PART-HOLD-BACK 1 s): a shorter gap does not stall them,
     * while the slate would turn it into a discontinuity and slate until the next key frame.
     * At 500 ms the slate stood in ten times in a minute when the CPU was starved
     * (bench/viewers/run.sh, BENCHMARKS.md).
     */
    static final Duration DEFAULT_STALL_AFTER = Duration.ofSeconds(1);
    /**
     * After a publisher leaves, how long its renditions' last frames (still leaving the encoders)
     * are waited for before the slate starts.
     */
    static final long DRAIN_NANOS = 150_000_000L;
    /**
     * A rendition that has had nothing for this many times {@code stallAfter} while the rest of
     * its stream is live shows the slate by itself. Longer than the stream's own stall, so a
     * rung whose encoder lags under load does not flap.
     */
    static final int RENDITION_STALL_FACTOR = 2;
    /** Default pace of the keeper's thread. */
    static final Duration DEFAULT_TICK = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(RenditionKeeper.class);

    /** A stream's lifecycle as the keeper sees it. */
    enum StreamState {
        /** A publisher session is sending media. */
        LIVE,
        /** No media for {@code stallAfter}, or the publisher left: the renditions carry the slate. */
        SLATE,
        /** The slate timed out; the renditions are closed. */
        ENDED
    }

    private final StreamHub hub;
    private final long stallAfterNanos;
    private final long tickMillis;
    private final LongSupplier nanoClock;
    private final Map<String, HeldStream> streams = new ConcurrentHashMap<>();
    private Thread thread;

    /**
     * @param hub        where renditions are published
     * @param stallAfter how long without media before the slate starts ({@link #DEFAULT_STALL_AFTER})
     * @param tick       the keeper thread's pace ({@link #DEFAULT_TICK})
     * @param nanoClock  monotonic time, {@code System::nanoTime} live
     */
    RenditionKeeper(StreamHub hub, Duration stallAfter, Duration tick, LongSupplier nanoClock) {
        this.hub = hub;
        this.stallAfterNanos = stallAfter.toNanos();
        this.tickMillis = Math.max(1, tick.toMillis());
        this.nanoClock = nanoClock;
    }

    RenditionKeeper(StreamHub hub) {
        this(hub, DEFAULT_STALL_AFTER, DEFAULT_TICK, System::nanoTime);
    }

    /**
     * Starts a publisher session of {@code stream}: its renditions, if still held, pass to it.
     *
     * @return how the session's transcoder opens its renditions
     */
    synchronized Session beginSession(String stream, SlateConfig slate, Duration keyFrameInterval) {
        HeldStream held = streams.get(stream);
        if (held == null || held.state == StreamState.ENDED) {
            held = new HeldStream(stream, slate, keyFrameInterval);
            streams.put(stream, held);
        }
        Session session = held.begin(slate, nanoClock.getAsLong());
        if (thread == null || !thread.isAlive()) {
            thread = Thread.ofPlatform().name("slate-keeper").daemon().start(this::run);
        }
        return session;
    }

    /**
     * Ends every held stream now (the daemon is stopping): renditions close, so the packager
     * finishes them as it does after a slate timeout. Sessions begun afterwards work as usual.
     */
    void endAll() {
        for (HeldStream held : streams.values()) {
            held.end();
        }
        streams.clear();
    }

    /** The state of a held stream, or null when none is held. */
    StreamState state(String stream) {
        HeldStream held = streams.get(stream);
        return held == null ? null : held.state;
    }

    private void run() {
        try {
            while (true) {
                synchronized (this) {
                    if (streams.isEmpty()) {
                        thread = null;
                        return;
                    }
                }
                long now = nanoClock.getAsLong();
                for (HeldStream held : streams.values()) {
                    try {
                        held.tick(now);
                    } catch (RuntimeException e) {
                        log.error("{}: slate: {}", held.name, e.getMessage(), e);
                    }
                    if (held.state == StreamState.ENDED) {
                        synchronized (this) {
                            streams.remove(held.name, held);
                        }
                    }
                }
                Thread.sleep(tickMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The renditions of one stream name, across its publisher sessions. */
    private final class HeldStream {
        final String name;
        final Map<String, ContinuousRendition> keptRenditions = new ConcurrentHashMap<>();
        volatile StreamState state = StreamState.LIVE;
        volatile SlateConfig slate;
        final int gopLength;
        volatile int session;
        volatile boolean sessionEnded;
        volatile long lastMediaNanos;
        volatile Session currentSession;

        HeldStream(String name, SlateConfig slate, Duration keyFrameInterval) {
            this.name = name;
            this.slate = slate;
            this.gopLength = (int) Math.max(1, keyFrameInterval.toMillis() * SlateMedia.SLATE_FPS / 1000);
        }

        synchronized Session begin(SlateConfig newSlate, long now) {
            slate = newSlate;
            session++;
            sessionEnded = false;
            lastMediaNanos = now;
            for (ContinuousRendition kept : keptRenditions.values()) {
                kept.beginSession(session);
            }
            currentSession = new Session(this, session);
            return currentSession;
        }

        synchronized ContinuousRendition keep(String rendition, RungConfig rung) throws StreamConflictException {
            ContinuousRendition kept = keptRenditions.get(rendition);
            if (kept == null || kept.state() == ContinuousRendition.State.ENDED) {
                kept = new ContinuousRendition(hub.publish(StreamPath.rendition(name, rendition)), rung);
                kept.beginSession(session);
                keptRenditions.put(rendition, kept);
            }
            return kept;
        }

        void tick(long now) {
            // Encode ahead of need, so the slate is ready the moment the publisher goes.
            for (ContinuousRendition kept : keptRenditions.values()) {
                kept.prepare(slate, gopLength);
            }
            long quiet = now - lastMediaNanos;
            Session current = currentSession;
            boolean drained = sessionEnded && current != null && current.openViews.get() == 0;
            boolean away = (drained && quiet > DRAIN_NANOS) || quiet > stallAfterNanos;
            switch (state) {
                case LIVE -> {
                    if (away) {
                        int started = 0;
                        for (ContinuousRendition kept : keptRenditions.values()) {
                            if (kept.startSlate()) {
                                started++;
                            }
                        }
                        state = StreamState.SLATE;
                        log.info("{}: publisher {}; {} renditions show the slate for up to {}", name,
                                sessionEnded ? "left" : "stalled", started, slate.timeout());
                    }
                }
                case SLATE -> {
                    if (!away) {
                        state = StreamState.LIVE;
                        log.info("{}: publisher back; live media resumes at the next key frame", name);
                    } else if (now - lastMediaNanos > slate.timeout().toNanos()) {
                        end();
                        return;
                    }
                }
                case ENDED -> {
                    return;
                }
            }
            for (ContinuousRendition kept : keptRenditions.values()) {
                // Renditions that started late, or did not resume with the others, catch up here;
                // so does one this session does not feed (no video now, say): no listed
                // rendition freezes while the stream is live.
                if (kept.state() == ContinuousRendition.State.LIVE
                        && (state == StreamState.SLATE || now - kept.lastArrivalNanos() > RENDITION_STALL_FACTOR * stallAfterNanos)) {
                    kept.startSlate();
                }
                kept.fillSlate(now);
            }
        }

        synchronized void end() {
            if (state == StreamState.ENDED) {
                return;
            }
            boolean timedOut = state == StreamState.SLATE;
            state = StreamState.ENDED;
            for (ContinuousRendition kept : keptRenditions.values()) {
                kept.end();
            }
            log.info("{}: renditions ended{}", name, timedOut ? " after the slate's " + slate.timeout() : "");
        }
    }

    /** One publisher session's access to its stream's renditions. */
    final class Session implements SourceTranscoder.RenditionOpener {
        private final HeldStream held;
        private final int id;
        /** Renditions this session opened and has not closed: transcoders still draining. */
        final java.util.concurrent.atomic.AtomicInteger openViews = new java.util.concurrent.atomic.AtomicInteger();

        private Session(HeldStream held, int id) {
            this.held = held;
            this.id = id;
        }

        @Override
        public boolean holds(String rendition) {
            ContinuousRendition kept = held.keptRenditions.get(rendition);
            return kept != null && kept.state() != ContinuousRendition.State.ENDED;
        }

        /** The rendition as this session's publisher; closing it ends the session (not the rendition). */
        @Override
        public StreamPublisher open(String rendition, RungConfig rung) throws StreamConflictException {
            ContinuousRendition kept = held.keep(rendition, rung);
            openViews.incrementAndGet();
            return new StreamPublisher() {
                private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

                @Override
                public LiveStream stream() {
                    return kept.publication().stream();
                }

                @Override
                public void tracks(List<TrackInfo> tracks) {
                    kept.tracks(id, tracks);
                }

                @Override
                public void send(AccessUnit unit) {
                    long now = nanoClock.getAsLong();
                    if (id == held.session) {
                        held.lastMediaNanos = now;
                    }
                    kept.send(id, unit, now);
                }

                @Override
                public void notice(String notice) {
                    kept.publication().notice(notice);
                }

                @Override
                public void discontinuity() {
                    kept.discontinuity(id);
                }

                @Override
                public void close() {
                    // Renditions close only once the source is unpublished and their encoder drained.
                    if (closed.compareAndSet(false, true)) {
                        end();
                        openViews.decrementAndGet();
                    }
                }
            };
        }

        /** The publisher left: the slate starts at the keeper's next tick. */
        void end() {
            if (id == held.session) {
                held.sessionEnded = true;
            }
        }
    }

    /** For tests: the renditions held for {@code stream}. */
    List<ContinuousRendition> keptRenditions(String stream) {
        HeldStream held = streams.get(stream);
        return held == null ? List.of() : new ArrayList<>(held.keptRenditions.values());
    }
}
