package dev.glasscast.server.webrtc;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import dev.glasscast.transcode.OpusTranscoder;
import dev.glasscast.transcode.TranscodeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each stream's audio as Opus for its WebRTC viewers (browsers' WebRTC plays Opus, not AAC): one
 * hub reader of the stream's {@code audio} rendition and one {@link OpusTranscoder} per stream,
 * shared by all of its sessions and running only while at least one is attached. The last
 * session to leave stops it.
 *
 * <p>Thread-safe: attaching and detaching take this object's lock; each stream's transcoding
 * runs on its hub reader's thread, under that feed's lock, which closing also takes, so the
 * native transcoder is never freed while in use. Opus units handed to sinks are immutable.
 */
public final class WebRtcOpusFeeds {

    private static final Logger log = LoggerFactory.getLogger(WebRtcOpusFeeds.class);

    private final StreamHub hub;
    private final Map<String, Feed> feeds = new HashMap<>();

    public WebRtcOpusFeeds(StreamHub hub) {
        this.hub = hub;
    }

    /**
     * Attaches {@code sink} to the Opus of {@code stream}'s audio (20 ms units, pts at 48 kHz on
     * the audio rendition's timeline); closing the result detaches it. A stream without audio
     * live gives nothing and the result is a no-op.
     */
    public synchronized AutoCloseable attach(String stream, Consumer<AccessUnit> sink) {
        StreamPath path = StreamPath.rendition(stream, LadderTranscoder.AUDIO_RENDITION);
        LiveStream live = hub.find(path).orElse(null);
        Feed feed = feeds.get(stream);
        if (feed == null || feed.source != live) {
            // None yet, or the stream ended and was published again: a new audio publication.
            feed = new Feed(stream, live);
            Optional<AutoCloseable> reader = hub.read(path, feed);
            if (reader.isEmpty()) {
                return () -> { };
            }
            feed.reader = reader.get();
            feeds.put(stream, feed);
            log.info("{}: transcoding its audio to Opus for WebRTC viewers", stream);
        }
        feed.sinks.add(sink);
        Feed attached = feed;
        return () -> detach(stream, attached, sink);
    }

    /** How many streams are being transcoded to Opus now. */
    public synchronized int running() {
        return feeds.size();
    }

    private void detach(String stream, Feed feed, Consumer<AccessUnit> sink) {
        synchronized (this) {
            feed.sinks.remove(sink);
            if (!feed.sinks.isEmpty()) {
                return;
            }
            feeds.remove(stream, feed);
        }
        log.info("{}: no WebRTC viewer left; Opus transcoding stops", stream);
        feed.close();
    }

    /** One stream's reader and transcoder. */
    private static final class Feed implements StreamReader {
        private final String stream;
        private final List<Consumer<AccessUnit>> sinks = new CopyOnWriteArrayList<>();
        /** The audio publication read: a later one of the same stream needs a feed of its own. */
        private final LiveStream source;
        private AutoCloseable reader;
        private OpusTranscoder transcoder;
        private int trackId = -1;
        private boolean closed;

        Feed(String stream, LiveStream source) {
            this.stream = stream;
            this.source = source;
        }

        @Override
        public synchronized void onTracks(List<TrackInfo> tracks) {
            Optional<TrackInfo> aac = tracks.stream().filter(t -> t.codec() == Codec.AAC).findFirst();
            if (closed || aac.isEmpty()) {
                return;
            }
            closeTranscoder();
            trackId = aac.get().trackId();
            try {
                transcoder = new OpusTranscoder(aac.get(), OpusTranscoder.DEFAULT_BITRATE);
            } catch (TranscodeException e) {
                log.warn("{}: cannot transcode {} to Opus; WebRTC viewers get no sound: {}", stream, aac.get(), e.getMessage());
            }
        }

        @Override
        public synchronized void onAccessUnit(AccessUnit unit) {
            if (closed || transcoder == null || unit.trackId() != trackId) {
                return;
            }
            try {
                transcoder.transcode(unit, opus -> sinks.forEach(sink -> sink.accept(opus)));
            } catch (TranscodeException e) {
                log.warn("{}: Opus transcoding failed; WebRTC viewers get no sound until the audio track changes: {}",
                        stream, e.getMessage());
                closeTranscoder();
            }
        }

        @Override
        public synchronized void onDiscontinuity() {
            if (transcoder != null) {
                transcoder.discontinuity();
            }
        }

        @Override
        public synchronized void onUnpublished() {
            closeTranscoder();
        }

        void close() {
            try {
                reader.close();
            } catch (Exception e) {
                log.debug("detaching the Opus feed of {} failed", stream, e);
            }
            synchronized (this) {
                closed = true;
                closeTranscoder();
            }
        }

        private void closeTranscoder() {
            if (transcoder != null) {
                transcoder.close();
                transcoder = null;
            }
        }
    }
}
