package dev.glasscast.packager.hls;

import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Fmp4Track;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentBytes;
import dev.glasscast.packager.window.SegmentPart;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Hand-built store snapshots for renderer tests; the bytes are unpooled heap buffers. */
public final class Snapshots {

    public static final Instant T0 = Instant.parse("2026-11-25T12:00:00.250Z");
    public static final byte[] AVCC_HIGH_31 = {1, 0x64, 0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 0};
    public static final byte[] AVCC_MAIN_30 = {1, 0x4d, 0x40, 0x1e, (byte) 0xff, (byte) 0xe1, 0, 0};
    public static final byte[] ASC_LC = {0x11, (byte) 0x90};

    public static final TrackInfo VIDEO_720 = TrackInfo.video(1, Codec.H264, 90_000, 1280, 720, 30, 0, AVCC_HIGH_31);
    public static final TrackInfo VIDEO_360 = TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 29.97, 0, AVCC_MAIN_30);
    public static final TrackInfo AUDIO = TrackInfo.audio(2, Codec.AAC, 48_000, 48_000, 2, 0, ASC_LC);

    private Snapshots() {
    }

    public static SegmentBytes bytes(int size, int fill) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) fill);
        return new SegmentBytes(Unpooled.wrappedBuffer(data));
    }

    /**
     * A rendition whose segments have the given durations (seconds) and sizes (bytes), numbered
     * from {@code firstSequence}, each made of two parts of half its size.
     */
    public static RenditionSnapshot rendition(String name, TrackInfo track, long firstSequence, double[] durations,
                                       int[] sizes, boolean ended) {
        Fmp4Track format = Fmp4Track.of(track);
        int timescale = format.timescale();
        List<MediaSegment> segments = new ArrayList<>();
        long start = 0;
        double elapsed = 0;
        long maxDuration = 0;
        for (int i = 0; i < durations.length; i++) {
            long duration = Math.round(durations[i] * timescale);
            long half = duration / 2;
            List<SegmentPart> parts = List.of(
                    new SegmentPart(start, half, true, bytes(sizes[i] / 2, i)),
                    new SegmentPart(start + half, duration - half, false, bytes(sizes[i] - sizes[i] / 2, i + 100)));
            Instant programDateTime = T0.plusMillis(Math.round(elapsed * 1000));
            segments.add(new MediaSegment(firstSequence + i, 0, false, start, duration, timescale, programDateTime,
                    parts, programDateTime.plusMillis(Math.round(durations[i] * 1000))));
            start += duration;
            elapsed += durations[i];
            maxDuration = Math.max(maxDuration, duration);
        }
        return new RenditionSnapshot(StreamPath.rendition("cam", name), track, format, bytes(700, 7), segments,
                List.of(), maxDuration, ended, T0.plusSeconds(60));
    }

    public static RenditionSnapshot empty(String name, TrackInfo track) {
        return new RenditionSnapshot(StreamPath.rendition("cam", name), track, Fmp4Track.of(track), bytes(700, 7),
                List.of(), List.of(), 0, false, T0);
    }
}
