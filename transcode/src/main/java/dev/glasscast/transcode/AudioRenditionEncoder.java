package dev.glasscast.transcode;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio thread of one source stream ({@code transcode-<stream>-audio}): re-encodes the
 * source's AAC at the ladder's audio bitrate and publishes the audio rendition; the audio
 * counterpart of a {@link RungEncoder}.
 *
 * <p>Takes {@link SourceEvent}s from the queue the reader thread fills. Owns, on its thread, the
 * {@link AacTranscoder} (reopened at each new track) and the rendition's publisher, which it
 * closes when the source ends.
 */
final class AudioRenditionEncoder implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(AudioRenditionEncoder.class);

    private final String stream;
    private final long bitrate;
    private final HandoffQueue<SourceEvent> queue;
    private final StreamPublisher out;
    private AacTranscoder aac;
    private TrackInfo announced;

    /**
     * @param bitrate the audio rendition's bitrate
     * @param queue   what the reader thread hands this thread
     * @param out     the audio rendition; owned from now on (closed at the end)
     */
    AudioRenditionEncoder(String stream, long bitrate, HandoffQueue<SourceEvent> queue, StreamPublisher out) {
        this.stream = stream;
        this.bitrate = bitrate;
        this.queue = queue;
        this.out = out;
    }

    @Override
    public void run() {
        try {
            while (true) {
                SourceEvent event = queue.take();
                AacTranscoder current = aac;
                Consumer<AccessUnit> send = unit -> send(current, unit);
                try {
                    switch (event) {
                        case SourceEvent.Track t -> {
                            if (aac != null) {
                                aac.drain(send);
                                aac.close();
                                aac = null;
                            }
                            aac = new AacTranscoder(t.track(), bitrate);
                        }
                        case SourceEvent.Unit u -> {
                            if (aac != null) {
                                aac.transcode(u.unit(), send);
                            }
                        }
                        case SourceEvent.Discontinuity d -> {
                            if (aac != null) {
                                aac.discontinuity();
                            }
                            out.discontinuity();
                        }
                        case SourceEvent.End e -> {
                            if (aac != null) {
                                aac.drain(send);
                            }
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("{}: audio transcoding: {}", stream, e.getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (aac != null) {
                aac.close();
            }
            out.close();
        }
    }

    // The transcoder that made the unit names its track: a new one is announced before its first unit.
    private void send(AacTranscoder from, AccessUnit unit) {
        TrackInfo track = from.track();
        if (!track.equals(announced)) {
            announced = track;
            out.tracks(List.of(track));
        }
        out.send(unit);
    }
}
