package dev.glasscast.config;

import java.time.Duration;

/**
 * @param segmentDuration  target segment length; segments are cut at the first key frame at or
 *                         after it
 * @param partDuration     target LL-HLS part / LL-DASH chunk length
 * @param playlistSegments how many segments a live playlist lists
 * @param dvrWindow        how far back viewers can seek
 * @param record           write every rendition's segments to {@code <data_dir>/recordings} as
 *                         they close, so the whole event stays watchable (VOD) after it ends and
 *                         after a restart; also lets the DVR window spill to disk
 * @param memoryWindow     how much of the newest media stays in memory when recording; older
 *                         DVR-window media is served from the recording files
 * @param recordingsMaxBytes how many bytes all recordings together may take on disk before the
 *                         oldest are deleted; 0 for no limit
 */
public record PackagingConfig(Duration segmentDuration, Duration partDuration, int playlistSegments, Duration dvrWindow,
                              boolean record, Duration memoryWindow, long recordingsMaxBytes) {

    /** The default recording and memory window. */
    public static final Duration DEFAULT_MEMORY_WINDOW = Duration.ofSeconds(30);
    /** 20 GB: about 18 hours of the built-in test pattern (1.1 GB an hour). */
    public static final long DEFAULT_RECORDINGS_MAX_BYTES = 20_000_000_000L;

    /** Recording on, with the default memory window and recordings limit. */
    public PackagingConfig(Duration segmentDuration, Duration partDuration, int playlistSegments, Duration dvrWindow) {
        this(segmentDuration, partDuration, playlistSegments, dvrWindow, true, DEFAULT_MEMORY_WINDOW);
    }

    /** With the default recordings limit. */
    public PackagingConfig(Duration segmentDuration, Duration partDuration, int playlistSegments, Duration dvrWindow,
                           boolean record, Duration memoryWindow) {
        this(segmentDuration, partDuration, playlistSegments, dvrWindow, record, memoryWindow,
                DEFAULT_RECORDINGS_MAX_BYTES);
    }
}
