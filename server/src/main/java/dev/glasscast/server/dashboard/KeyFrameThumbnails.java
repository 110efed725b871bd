package dev.glasscast.server.dashboard;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.KeyFrameThumbnailer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dashboard thumbnails: keeps the latest key frame of every video rendition (a reference to the
 * access unit, no copy) and, when asked, has the transcoder's {@link KeyFrameThumbnailer} make a
 * JPEG of the smallest rendition's. That runs on this object's own thread, never on an event
 * loop; a picture is reused for {@link #MAX_AGE_NANOS} so a room full of dashboards costs one
 * decode every few seconds.
 */
public final class KeyFrameThumbnails implements StreamListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyFrameThumbnails.class);

    public static final long MAX_AGE_NANOS = 3_000_000_000L;
    /** Widest thumbnail; larger renditions are scaled down (the width to make the thumbnailer with). */
    public static final int MAX_WIDTH = 480;

    private record KeyFrame(TrackInfo track, AccessUnit unit) {
    }

    private record Picture(long madeAt, byte[] jpeg) {
    }

    private final KeyFrameThumbnailer thumbnailer;
    private final Map<StreamPath, KeyFrame> latest = new ConcurrentHashMap<>();
    private final Map<String, Picture> pictures = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<byte[]>>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("thumbnails").daemon().factory());
    private final LongSupplier nanoTime;

    /**
     * @param thumbnailer makes the pictures, e.g. {@code new KeyFrameThumbnailer(MAX_WIDTH)}
     * @param nanoTime    the clock of the pictures' age, usually {@code System::nanoTime}
     */
    public KeyFrameThumbnails(KeyFrameThumbnailer thumbnailer, LongSupplier nanoTime) {
        this.thumbnailer = thumbnailer;
        this.nanoTime = nanoTime;
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        StreamPath path = stream.path();
        if (path.isSource()) {
            return null;
        }
        return new StreamReader() {
            private TrackInfo video;

            @Override
            public void onTracks(List<TrackInfo> tracks) {
                video = tracks.stream().filter(TrackInfo::isVideo).findFirst().orElse(null);
            }

            @Override
            public void onAccessUnit(AccessUnit unit) {
                if (video != null && unit.keyFrame() && unit.trackId() == video.trackId()) {
                    latest.put(path, new KeyFrame(video, unit));
                }
            }

            @Override
            public void onUnpublished() {
                latest.remove(path);
            }

            @Override
            public String toString() {
                return "thumbnails of " + path;
            }
        };
    }

    /** A JPEG of {@code stream}'s latest key frame, or empty while no rendition has one. */
    public CompletableFuture<Optional<byte[]>> jpeg(String stream) {
        Picture cached = pictures.get(stream);
        if (cached != null && nanoTime.getAsLong() - cached.madeAt < MAX_AGE_NANOS) {
            return CompletableFuture.completedFuture(Optional.of(cached.jpeg));
        }
        Optional<KeyFrame> smallest = latest.entrySet().stream()
                .filter(e -> e.getKey().stream().equals(stream))
                .map(Map.Entry::getValue)
                .min(Comparator.comparingInt(k -> k.track().height()));
        if (smallest.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return inFlight.computeIfAbsent(stream, s -> CompletableFuture.supplyAsync(() -> {
            try {
                KeyFrame keyFrame = smallest.get();
                Optional<byte[]> jpeg = thumbnailer.jpeg(keyFrame.track(), keyFrame.unit());
                jpeg.ifPresent(bytes -> pictures.put(stream, new Picture(nanoTime.getAsLong(), bytes)));
                return jpeg;
            } catch (RuntimeException e) {
                log.warn("thumbnail of {} failed: {}", stream, e.toString());
                return Optional.<byte[]>empty();
            } finally {
                inFlight.remove(stream);
            }
        }, decoder));
    }

    @Override
    public void close() {
        decoder.shutdownNow();
    }
}
