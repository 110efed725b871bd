package dev.glasscast.packager.hls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the objects an HLS origin serves, as they appear as the last URL path element
 * and inside playlists. Parsing and naming live together so they cannot disagree.
 */
public sealed interface HlsResource {

    String PLAYLIST = "index.m3u8";
    String INIT = "init.mp4";

    /** {@code index.m3u8}: multivariant at stream level, media playlist at rendition level. */
    record Playlist() implements HlsResource {
    }

    /** {@code init.mp4}. */
    record Init() implements HlsResource {
    }

    /** {@code seg{N}.m4s}, N the media sequence number. */
    record Segment(long sequence) implements HlsResource {
    }

    /** Up to 18 digits, no leading zeros: every long that names a segment, and one spelling each. */
    Pattern SEGMENT = Pattern.compile("seg(0|[1-9][0-9]{0,17})\\.m4s");

    static String segmentName(long sequence) {
        return "seg" + sequence + ".m4s";
    }

    /** The resource named {@code name}, or null if the name is not one an HLS origin serves. */
    static HlsResource parse(String name) {
        if (name == null) {
            return null;
        }
        if (name.equals(PLAYLIST)) {
            return new Playlist();
        }
        if (name.equals(INIT)) {
            return new Init();
        }
        Matcher segment = SEGMENT.matcher(name);
        if (segment.matches()) {
            return new Segment(Long.parseLong(segment.group(1)));
        }
        return null;
    }
}
