package dev.glasscast.server.playback;

import dev.glasscast.ingest.srt.SrtPlayback;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.mpegts.TsLiveWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SRT reader's MPEG-TS: a hub reader of a video rendition and one of the shared audio, both
 * muxed by one {@link TsLiveWriter} in the order their units arrive (each reader has its own
 * thread; the writer is guarded by this object), and handed to the session in payloads of at most
 * seven TS packets. When the session cannot take a payload (the reader is too slow), the writer
 * starts again at the next key frame, so what the reader gets always decodes. The feed ends when
 * the video rendition ends.
 */
final class SrtRenditionFeed implements SrtPlayback.Feed {

    private static final Logger log = LoggerFactory.getLogger(SrtRenditionFeed.class);

    /** Seven 188-byte packets: what fits one SRT payload of libsrt's default live size. */
    static final int PAYLOAD_BYTES = 7 * 188;

    private final SrtPlayback.Sink sink;
    private final List<AutoCloseable> readers = new ArrayList<>();
    private TrackInfo video;
    private TrackInfo audio;
    private TsLiveWriter writer;
    private boolean closed;

    SrtRenditionFeed(SrtPlayback.Sink sink) {
        this.sink = sink;
    }

    /** Attaches to the renditions live now; the session hears of the end if the video is gone. */
    void start(StreamHub hub, StreamPath videoPath, StreamPath audioPath) {
        synchronized (this) {
            hub.read(videoPath, new TrackReader(true)).ifPresentOrElse(readers::add,
                    () -> sink.end("rendition " + videoPath + " is no longer live"));
            hub.read(audioPath, new TrackReader(false)).ifPresent(readers::add);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> attached;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            attached = List.copyOf(readers);
        }
        for (AutoCloseable reader : attached) {
            try {
                reader.close();
            } catch (Exception e) {
                log.debug("detaching an SRT reader's hub reader failed", e);
            }
        }
    }

    private synchronized void videoTrack(TrackInfo track) {
        if (track.codec() != Codec.H264) {
            sink.end("the rendition changed to " + track.codec() + "; SRT playback sends H.264");
            return;
        }
        if (!track.equals(video)) {
            video = track;
            writer = null;
        }
    }

    private synchronized void audioTrack(TrackInfo track) {
        if (!track.equals(audio)) {
            audio = track;
            writer = null;
        }
    }

    private synchronized void unit(AccessUnit unit, boolean isVideo) {
        if (closed || video == null) {
            return;
        }
        if (writer == null) {
            writer = new TsLiveWriter(video, audio);
        }
        send(isVideo ? writer.video(unit) : writer.audio(unit));
    }

    private void send(byte[] packets) {
        for (int offset = 0; offset < packets.length; offset += PAYLOAD_BYTES) {
            byte[] payload = Arrays.copyOfRange(packets, offset, Math.min(packets.length, offset + PAYLOAD_BYTES));
            if (!sink.send(payload)) {
                // The reader fell behind: start over at a key frame rather than send a broken picture.
                writer = null;
                return;
            }
        }
    }

    /** The hub reader of the video rendition ({@code video}) or of the audio one. */
    private final class TrackReader implements StreamReader {
        private final boolean video;
        private int trackId = -1;

        TrackReader(boolean video) {
            this.video = video;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            tracks.stream().filter(t -> video ? t.isVideo() : t.codec() == Codec.AAC).findFirst().ifPresent(track -> {
                trackId = track.trackId();
                if (video) {
                    videoTrack(track);
                } else {
                    audioTrack(track);
                }
            });
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            if (unit.trackId() == trackId) {
                unit(unit, video);
            }
        }

        @Override
        public void onUnpublished() {
            // The video's end ends the feed; a stream may go on without audio.
            if (video) {
                sink.end("the rendition ended");
            }
        }
    }
}
