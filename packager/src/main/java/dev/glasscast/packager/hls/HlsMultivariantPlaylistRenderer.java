package dev.glasscast.packager.hls;

import dev.glasscast.packager.fmp4.Rfc6381Codecs;
import dev.glasscast.packager.window.RenditionSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the multivariant playlist (RFC 8216bis section 4.4.6) of one stream: one
 * {@code EXT-X-STREAM-INF} per video rendition, all sharing the audio renditions as one
 * {@code EXT-X-MEDIA} group. URIs are relative ({@code source/index.m3u8}).
 *
 * <p>BANDWIDTH is the peak segment bitrate of the video rendition plus that of the audio; before
 * a rendition has segments, its nominal bitrate, else the bitrate of its parts so far.
 * AVERAGE-BANDWIDTH appears once the video rendition has segments.
 *
 * <p>A pure function of snapshots; thread-safe.
 */
public final class HlsMultivariantPlaylistRenderer {

    static final String AUDIO_GROUP = "audio";

    /**
     * The playlist, or empty while nothing can be announced yet: no video rendition has a known
     * bitrate, and the stream is not (yet) known to be audio only.
     *
     * @param renditions every rendition of the stream, in the order to list them
     */
    public Optional<String> render(List<RenditionSnapshot> renditions) {
        return render(renditions, HlsResource.PLAYLIST);
    }

    /**
     * @param renditions   every rendition of the stream, in the order to list them
     * @param playlistName the media playlists to point at ({@code index.m3u8} or {@code dvr.m3u8})
     */
    public Optional<String> render(List<RenditionSnapshot> renditions, String playlistName) {
        List<RenditionSnapshot> audio = new ArrayList<>();
        List<RenditionSnapshot> video = new ArrayList<>();
        for (RenditionSnapshot rendition : renditions) {
            if (rendition.isVideo()) {
                if (peakBandwidth(rendition) > 0) {
                    video.add(rendition);
                }
            } else {
                audio.add(rendition);
            }
        }
        Optional<RenditionSnapshot> audioOnly = RenditionSnapshot.audioOnlyStream(renditions);
        if (audioOnly.isPresent()) {
            return Optional.of(audioOnly(audioOnly.get(), playlistName));
        }
        if (video.isEmpty()) {
            return Optional.empty();
        }
        RenditionSnapshot defaultAudio = audio.isEmpty() ? null : audio.getFirst();

        StringBuilder m3u8 = new StringBuilder(512);
        m3u8.append("#EXTM3U\n");
        m3u8.append("#EXT-X-VERSION:").append(HlsMediaPlaylistRenderer.VERSION).append('\n');
        m3u8.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (RenditionSnapshot rendition : audio) {
            String name = rendition.path().rendition();
            String yesNo = rendition == defaultAudio ? "YES" : "NO";
            m3u8.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(AUDIO_GROUP).append("\",NAME=\"").append(name)
                    .append("\",DEFAULT=").append(yesNo).append(",AUTOSELECT=YES");
            if (rendition.track().channels() > 0) {
                m3u8.append(",CHANNELS=\"").append(rendition.track().channels()).append('"');
            }
            m3u8.append(",URI=\"").append(name).append('/').append(playlistName).append("\"\n");
        }
        for (RenditionSnapshot rendition : video) {
            long bandwidth = peakBandwidth(rendition) + (defaultAudio == null ? 0 : peakBandwidth(defaultAudio));
            m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth);
            if (!rendition.segments().isEmpty()) {
                long average = rendition.averageBitrate() + (defaultAudio == null ? 0 : averageBandwidth(defaultAudio));
                m3u8.append(",AVERAGE-BANDWIDTH=").append(average);
            }
            m3u8.append(",CODECS=\"").append(Rfc6381Codecs.of(rendition.track()));
            if (defaultAudio != null) {
                m3u8.append(',').append(Rfc6381Codecs.of(defaultAudio.track()));
            }
            m3u8.append('"');
            if (rendition.track().width() > 0 && rendition.track().height() > 0) {
                m3u8.append(",RESOLUTION=").append(rendition.track().width()).append('x')
                        .append(rendition.track().height());
            }
            if (rendition.track().frameRate() > 0) {
                m3u8.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", rendition.track().frameRate()));
            }
            if (defaultAudio != null) {
                m3u8.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
            }
            m3u8.append('\n');
            m3u8.append(rendition.path().rendition()).append('/').append(playlistName).append('\n');
        }
        return Optional.of(m3u8.toString());
    }

    /** A radio-style stream: one variant, the audio rendition itself (RFC 8216bis 4.4.6.2 allows a variant without video). */
    private static String audioOnly(RenditionSnapshot audio, String playlistName) {
        return "#EXTM3U\n"
                + "#EXT-X-VERSION:" + HlsMediaPlaylistRenderer.VERSION + "\n"
                + "#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=" + peakBandwidth(audio)
                + ",AVERAGE-BANDWIDTH=" + averageBandwidth(audio)
                + ",CODECS=\"" + Rfc6381Codecs.of(audio.track()) + "\"\n"
                + audio.path().rendition() + '/' + playlistName + '\n';
    }

    static long peakBandwidth(RenditionSnapshot rendition) {
        if (!rendition.segments().isEmpty()) {
            return rendition.peakBitrate();
        }
        if (rendition.track().bitrate() > 0) {
            return rendition.track().bitrate();
        }
        return rendition.openPartsBitrate();
    }

    static long averageBandwidth(RenditionSnapshot rendition) {
        return rendition.segments().isEmpty() ? peakBandwidth(rendition) : rendition.averageBitrate();
    }
}
