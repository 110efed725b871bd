package dev.glasscast.config;

import java.time.Duration;

/**
 * @param segmentDuration  target segment length; segments are cut at the first key frame at or
 *                         after it
 * @param partDuration     target LL-HLS part / LL-DASH chunk length
 * @param playlistSegments how many segments a live playlist lists
 * @param dvrWindow        how far back viewers can seek
 */
public record PackagingConfig(Duration segmentDuration, Duration partDuration, int playlistSegments, Duration dvrWindow) {
}
