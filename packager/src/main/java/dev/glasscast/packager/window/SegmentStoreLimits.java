package dev.glasscast.packager.window;

import dev.glasscast.config.PackagingConfig;
import java.time.Duration;

/**
 * How the store cuts and how much it keeps, per rendition.
 *
 * @param segmentDuration target segment length (video: first key frame at or after it)
 * @param partDuration    target part length
 * @param minimumSegments segments kept at least, whatever the DVR window
 * @param dvrWindow       media kept at least, when longer than {@code minimumSegments} segments
 * @param memorySegments  how many of the newest segments stay in memory (at least
 *                        {@code minimumSegments}); older ones within the DVR window are served from
 *                        the recording once it holds them (see {@link RenditionRecorder})
 */
public record SegmentStoreLimits(Duration segmentDuration, Duration partDuration, int minimumSegments,
                                 Duration dvrWindow, int memorySegments) {

    /**
     * Segments kept beyond a live playlist's window, so a player that loaded the playlist just
     * before a segment slid out can still fetch it.
     */
    public static final int SEGMENTS_BEYOND_PLAYLIST = 3;

    public SegmentStoreLimits {
        if (segmentDuration.isNegative() || segmentDuration.isZero()) {
            throw new IllegalArgumentException("segmentDuration must be positive: " + segmentDuration);
        }
        if (partDuration.isNegative() || partDuration.isZero() || partDuration.compareTo(segmentDuration) > 0) {
            throw new IllegalArgumentException("partDuration must be positive and at most segmentDuration: " + partDuration);
        }
        if (minimumSegments < 1) {
            throw new IllegalArgumentException("minimumSegments must be at least 1: " + minimumSegments);
        }
        memorySegments = Math.max(memorySegments, minimumSegments);
    }

    /** The whole DVR window in memory. */
    public SegmentStoreLimits(Duration segmentDuration, Duration partDuration, int minimumSegments, Duration dvrWindow) {
        this(segmentDuration, partDuration, minimumSegments, dvrWindow, Integer.MAX_VALUE);
    }

    public static SegmentStoreLimits of(PackagingConfig config) {
        int memory = Integer.MAX_VALUE;
        if (config.record() && config.memoryWindow() != null) {
            // Rounded up: segments are cut at key frames at or after the target, rarely shorter.
            memory = (int) Math.min(Integer.MAX_VALUE / 2,
                    Math.ceilDiv(config.memoryWindow().toNanos(), config.segmentDuration().toNanos()));
        }
        return new SegmentStoreLimits(config.segmentDuration(), config.partDuration(),
                config.playlistSegments() + SEGMENTS_BEYOND_PLAYLIST,
                config.dvrWindow() == null ? Duration.ZERO : config.dvrWindow(), memory);
    }
}
