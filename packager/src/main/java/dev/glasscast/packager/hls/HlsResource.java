package dev.glasscast.packager.hls;

import dev.glasscast.packager.cmaf.CmafResource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the objects only HLS serves (playlists, MPEG-TS segments), as they appear as the
 * last URL path element and inside playlists. "Resource" because that is what
 * {@link dev.glasscast.packager.OriginRequest#resource()} calls this element; the CMAF objects
 * HLS shares with DASH are named by {@link CmafResource}. Parsing and naming live together so
 * they cannot disagree.
 *
 * <p>Every media name carries a media sequence number, and sequence numbers are unique per
 * rendition across publications and daemon restarts, so a name always means the same bytes.
 */
public sealed interface HlsResource {

    String PLAYLIST = "index.m3u8";
    String DVR_PLAYLIST = "dvr.m3u8";
    String TS_PLAYLIST = "ts.m3u8";

    /**
     * {@code index.m3u8}: the live playlists; {@code dvr.m3u8}: the same over the whole DVR
     * window, for start-over (multivariant at stream level, media playlist at rendition level).
     */
    record Playlist(boolean wholeWindow) implements HlsResource {
    }

    /** {@code ts.m3u8}: the MPEG-TS playlists (multivariant at stream level, media at rendition level). */
    record TsPlaylist() implements HlsResource {
    }

    /** {@code ts{N}.ts}: video segment N muxed with its audio as MPEG-TS. */
    record TsSegment(long sequence) implements HlsResource {
    }

    Pattern TS_SEGMENT = Pattern.compile("ts" + CmafResource.NUMBER + "\\.ts");

    static String tsSegmentName(long sequence) {
        return "ts" + sequence + ".ts";
    }

    /** The resource named {@code name}, or null if the name is not one only HLS serves. */
    static HlsResource parse(String name) {
        if (name == null) {
            return null;
        }
        if (name.equals(PLAYLIST)) {
            return new Playlist(false);
        }
        if (name.equals(DVR_PLAYLIST)) {
            return new Playlist(true);
        }
        if (name.equals(TS_PLAYLIST)) {
            return new TsPlaylist();
        }
        Matcher matcher = TS_SEGMENT.matcher(name);
        if (matcher.matches()) {
            return new TsSegment(Long.parseLong(matcher.group(1)));
        }
        return null;
    }
}
