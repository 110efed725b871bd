package dev.glasscast.packager.hls;

import dev.glasscast.media.Codec;
import dev.glasscast.packager.fmp4.Rfc6381Codecs;
import dev.glasscast.packager.mpegts.TsSegmentRenderer;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders the classic HLS playlists (version 3, no EXT-X-MAP) of the MPEG-TS output for old
 * clients: a multivariant playlist with one muxed (video + audio) variant per video rendition,
 * and per video rendition a media playlist of {@code ts{N}.ts} segments, N the video segment's
 * sequence number. A segment is listed only once the audio covers its interval, so a listed
 * segment's bytes never change. A pure function of snapshots; thread-safe.
 */
public final class HlsTsPlaylistRenderer {

    static final int VERSION = 3;

    private final int playlistSegments;

    public HlsTsPlaylistRenderer(int playlistSegments) {
        this.playlistSegments = playlistSegments;
    }

    /** The multivariant {@code ts.m3u8}, or empty while no video rendition has a segment. */
    public Optional<String> renderMultivariant(List<RenditionSnapshot> renditions) {
        RenditionSnapshot audio = audioOf(renditions);
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + VERSION + "\n");
        boolean any = false;
        for (RenditionSnapshot video : renditions) {
            if (!carriesTs(video) || video.segments().isEmpty()) {
                continue;
            }
            any = true;
            long bandwidth = video.peakBitrate() + (audio == null ? 0 : audio.peakBitrate());
            m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth).append(",CODECS=\"")
                    .append(Rfc6381Codecs.of(video.track()));
            if (audio != null) {
                m3u8.append(',').append(Rfc6381Codecs.of(audio.track()));
            }
            m3u8.append("\",RESOLUTION=").append(video.track().width()).append('x').append(video.track().height())
                    .append('\n');
            m3u8.append(video.path().rendition()).append('/').append(HlsResource.TS_PLAYLIST).append('\n');
        }
        return any ? Optional.of(m3u8.toString()) : Optional.empty();
    }

    /**
     * The media playlist of {@code video}'s TS segments, or empty while none is complete.
     *
     * @param audio   the audio rendition muxed in, or null
     * @param endList the stream is over: every segment held, and EXT-X-ENDLIST
     */
    public Optional<String> renderMedia(RenditionSnapshot video, RenditionSnapshot audio, boolean endList) {
        List<MediaSegment> complete = new ArrayList<>();
        for (MediaSegment segment : video.segments()) {
            if (TsSegmentRenderer.complete(segment, audio)) {
                complete.add(segment);
            }
        }
        if (complete.isEmpty()) {
            return Optional.empty();
        }
        List<MediaSegment> window = endList ? complete
                : complete.subList(Math.max(0, complete.size() - playlistSegments), complete.size());
        MediaSegment first = window.getFirst();
        StringBuilder m3u8 = new StringBuilder(128 + 96 * window.size());
        m3u8.append("#EXTM3U\n#EXT-X-VERSION:").append(VERSION).append('\n');
        m3u8.append("#EXT-X-TARGETDURATION:").append(video.targetDurationSeconds()).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first.sequence()).append('\n');
        if (first.discontinuitySequence() > 0) {
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(first.discontinuitySequence()).append('\n');
        }
        for (MediaSegment segment : window) {
            if (segment.discontinuity() && segment != first) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(HlsMediaPlaylistRenderer.PROGRAM_DATE_TIME.format(segment.programDateTime())).append('\n');
            m3u8.append("#EXTINF:").append(HlsMediaPlaylistRenderer.seconds(segment.duration(), segment.timescale()))
                    .append(",\n");
            m3u8.append(HlsResource.tsSegmentName(segment.sequence())).append('\n');
        }
        if (endList) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return Optional.of(m3u8.toString());
    }

    /** Whether TS segments are made of this rendition: H.264 video only (TsSegmentWriter's stream types). */
    static boolean carriesTs(RenditionSnapshot rendition) {
        return rendition.isVideo() && rendition.track().codec() == Codec.H264;
    }

    /** The audio rendition muxed into TS: the first by name, as the multivariant playlist's default. */
    static RenditionSnapshot audioOf(List<RenditionSnapshot> renditions) {
        for (RenditionSnapshot rendition : renditions) {
            if (!rendition.isVideo()) {
                return rendition;
            }
        }
        return null;
    }
}
