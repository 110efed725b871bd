package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.rtp.RtpOpusPacketizer;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WHEP session's media feeds: the stream's sound as Opus, and its video rung with the switch
 * to another one ({@link WebRtcRungAdaptation} decides when, from what
 * {@link WebRtcPeerTransport} passes on of the viewer's RTCP). The next rung's reader is attached
 * beside the current one, and the session moves over at its first key frame that presents after
 * the last picture sent, so the viewer's picture never goes back in time. The rungs share one
 * timeline and aligned key frames, so the RTP timestamps run on and only the SPS changes.
 *
 * <p>Threads: each rung's reader calls in on its own thread, RTCP on the UDP event loop,
 * ticks on {@code timer}; all under this object's lock. Attaching and detaching readers
 * happen outside it (a hub reader may be delivering to us while we detach it). Attaching
 * does not block (the hub registers a reader with its own thread), so a switch's runs on
 * {@code timer}.
 */
final class WebRtcRungFeeds implements WebRtcMediaSource.VideoSink {

    private static final Logger log = LoggerFactory.getLogger(WebRtcRungFeeds.class);

    private final String stream;
    private final Supplier<InetSocketAddress> remote;
    private final WebRtcMediaSource media;
    private final WebRtcMediaClock clock;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Consumer<String> failed;

    private WebRtcVideoSender sender;
    private WebRtcRungAdaptation adaptation;
    private String current;
    private AutoCloseable currentFeed;
    private int currentTimescale = 90_000;
    private String pending;
    private AutoCloseable pendingFeed;
    private TrackInfo pendingTrack;
    private double lastSentSeconds = Double.NEGATIVE_INFINITY;
    private AutoCloseable audioFeed;
    private long switches;
    private boolean closed;
    private long octetsAtLastTick = -1;
    private long lastTickNanos;
    private long sentBitsPerSecond;

    /**
     * @param stream   the stream the session plays
     * @param remote   the viewer's address now, for the log
     * @param media    the stream's renditions and sound
     * @param clock    the session's media clock, anchored by what is sent
     * @param timer    where a switch's reader is attached
     * @param nanoTime the clock adaptation runs on
     * @param failed   told why when the rung being sent ends
     */
    WebRtcRungFeeds(String stream, Supplier<InetSocketAddress> remote, WebRtcMediaSource media, WebRtcMediaClock clock,
                    ScheduledExecutorService timer, LongSupplier nanoTime, Consumer<String> failed) {
        this.stream = stream;
        this.remote = remote;
        this.media = media;
        this.clock = clock;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.failed = failed;
    }

    void start(List<String> renditions, WebRtcVideoSender videoSender, WebRtcRtpSender sound) {
        String first = renditions.getFirst();
        synchronized (this) {
            sender = videoSender;
            adaptation = new WebRtcRungAdaptation(renditions, first, nanoTime.getAsLong());
            current = first;
        }
        AutoCloseable video = media.attachVideo(stream, first, this);
        AutoCloseable audio = sound == null ? () -> { } : media.attachAudio(stream, opusFrames(sound));
        List<AutoCloseable> unused = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                unused.add(video);
                unused.add(audio);
            } else {
                audioFeed = audio;
                if (first.equals(current)) {
                    currentFeed = video;
                } else {
                    unused.add(video); // already switched away from it
                }
            }
        }
        unused.forEach(WebRtcRungFeeds::closeQuietly);
    }

    private Consumer<AccessUnit> opusFrames(WebRtcRtpSender sound) {
        RtpOpusPacketizer opus = new RtpOpusPacketizer(RtpOpusPacketizer.CLOCK_RATE);
        return unit -> {
            clock.anchor((double) unit.pts() / RtpOpusPacketizer.CLOCK_RATE, nanoTime.getAsLong());
            sound.send(List.of(opus.packetize(unit)));
        };
    }

    synchronized String sending() {
        return current;
    }

    synchronized long switches() {
        return switches;
    }

    @Override
    public void videoTrack(String rendition, TrackInfo track) {
        synchronized (this) {
            if (rendition.equals(current)) {
                log.info("WebRTC session of {} from {}: sending rendition {} ({}x{})", stream, remote.get(), rendition,
                        track.width(), track.height());
                currentTimescale = track.timescale();
                sender.track(track);
            } else if (rendition.equals(pending)) {
                pendingTrack = track;
            }
        }
    }

    @Override
    public void videoUnit(String rendition, AccessUnit unit) {
        AutoCloseable left = null;
        synchronized (this) {
            if (rendition.equals(pending) && pendingTrack != null && WebRtcVideoSender.startsPicture(unit)
                    && (double) unit.pts() / pendingTrack.timescale() > lastSentSeconds) {
                left = currentFeed;
                log.info("WebRTC session of {} from {}: now on {} ({}x{})", stream, remote.get(), pending,
                        pendingTrack.width(), pendingTrack.height());
                current = pending;
                currentFeed = pendingFeed;
                currentTimescale = pendingTrack.timescale();
                sender.track(pendingTrack);
                pending = null;
                pendingFeed = null;
                pendingTrack = null;
                switches++;
                adaptation.switched(current, nanoTime.getAsLong());
            }
            if (rendition.equals(current)) {
                clock.anchor((double) unit.pts() / currentTimescale, nanoTime.getAsLong());
                sender.send(unit);
                lastSentSeconds = Math.max(lastSentSeconds, (double) unit.pts() / currentTimescale);
            }
        }
        closeQuietly(left);
    }

    @Override
    public void ended(String rendition, String why) {
        AutoCloseable abandoned;
        boolean sending;
        synchronized (this) {
            sending = rendition.equals(current);
            if (rendition.equals(pending)) {
                // The rung asked for is gone: the session stays where it is.
                abandoned = pendingFeed;
                pending = null;
                pendingFeed = null;
                pendingTrack = null;
                adaptation.switchFailed(nanoTime.getAsLong());
            } else if (sending) {
                abandoned = null;
            } else {
                return;
            }
        }
        if (sending) {
            failed.accept(why);
        } else {
            closeQuietly(abandoned);
        }
    }

    void estimate(long bitsPerSecond) {
        Optional<String> next;
        synchronized (this) {
            if (adaptation == null) {
                return;
            }
            next = adaptation.estimate(bitsPerSecond, sentBitsPerSecond, nanoTime.getAsLong());
        }
        next.ifPresent(this::switchSoon);
    }

    void loss(int fractionLost) {
        Optional<String> next;
        synchronized (this) {
            if (adaptation == null) {
                return;
            }
            next = adaptation.loss(fractionLost, nanoTime.getAsLong());
        }
        next.ifPresent(this::switchSoon);
    }

    /** On the report timer: what the video sent over the last tick, and the adaptation's clock. */
    void tick() {
        Optional<String> next;
        synchronized (this) {
            if (adaptation == null) {
                return;
            }
            long now = nanoTime.getAsLong();
            long octets = sender.stats().payloadOctets();
            if (octetsAtLastTick >= 0 && now > lastTickNanos) {
                sentBitsPerSecond = (octets - octetsAtLastTick) * 8 * 1_000_000_000L / (now - lastTickNanos);
            }
            octetsAtLastTick = octets;
            lastTickNanos = now;
            next = adaptation.tick(now);
        }
        next.ifPresent(this::switchSoon);
    }

    private void switchSoon(String rendition) {
        String why;
        String from;
        synchronized (this) {
            why = adaptation.reason();
            from = current;
        }
        log.info("WebRTC session of {} from {}: moving from {} to {} at its next key frame: {}", stream, remote.get(),
                from, rendition, why);
        timer.execute(() -> attachPending(rendition));
    }

    private void attachPending(String rendition) {
        synchronized (this) {
            if (closed || pending != null) {
                return;
            }
            pending = rendition;
        }
        AutoCloseable feed = media.attachVideo(stream, rendition, this);
        boolean keep;
        synchronized (this) {
            keep = !closed && rendition.equals(pending);
            if (keep) {
                pendingFeed = feed;
            }
        }
        if (!keep) {
            closeQuietly(feed);
        }
    }

    void close() {
        List<AutoCloseable> feeds = new ArrayList<>();
        synchronized (this) {
            closed = true;
            feeds.add(currentFeed);
            feeds.add(pendingFeed);
            feeds.add(audioFeed);
            currentFeed = null;
            pendingFeed = null;
            audioFeed = null;
        }
        feeds.forEach(WebRtcRungFeeds::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable feed) {
        if (feed == null) {
            return;
        }
        try {
            feed.close();
        } catch (Exception e) {
            log.debug("detaching a WebRTC session's media failed", e);
        }
    }
}
