package dev.glasscast.packager.hls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the objects an HLS origin serves, as they appear as the last URL path element
 * and inside playlists. Parsing and naming live together so they cannot disagree.
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

    /** {@code init{N}.mp4}: the init segment of the publication whose first segment is N. */
    record Init(long firstSequence) implements HlsResource {
    }

    /** {@code seg{N}.m4s}, N the media sequence number. */
    record Segment(long sequence) implements HlsResource {
    }

    /** {@code part{N}.{I}.m4s}: part I (from 0) of segment N. */
    record Part(long sequence, int index) implements HlsResource {
    }

    /** {@code ts.m3u8}: the MPEG-TS playlists (multivariant at stream level, media at rendition level). */
    record TsPlaylist() implements HlsResource {
    }

    /** {@code ts{N}.ts}: video segment N muxed with its audio as MPEG-TS. */
    record TsSegment(long sequence) implements HlsResource {
    }

    /** Up to 18 digits, no leading zeros: every long that names a segment, and one spelling each. */
    String NUMBER = "(0|[1-9][0-9]{0,17})";
    Pattern SEGMENT = Pattern.compile("seg" + NUMBER + "\\.m4s");
    Pattern INIT = Pattern.compile("init" + NUMBER + "\\.mp4");
    Pattern TS_SEGMENT = Pattern.compile("ts" + NUMBER + "\\.ts");
    Pattern PART = Pattern.compile("part" + NUMBER + "\\.(0|[1-9][0-9]{0,3})\\.m4s");

    static String segmentName(long sequence) {
        return "seg" + sequence + ".m4s";
    }

    static String initName(long firstSequence) {
        return "init" + firstSequence + ".mp4";
    }

    static String tsSegmentName(long sequence) {
        return "ts" + sequence + ".ts";
    }

    static String partName(long sequence, int index) {
        return "part" + sequence + "." + index + ".m4s";
    }

    /** The resource named {@code name}, or null if the name is not one an HLS origin serves. */
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
        Matcher matcher = SEGMENT.matcher(name);
        if (matcher.matches()) {
            return new Segment(Long.parseLong(matcher.group(1)));
        }
        matcher = PART.matcher(name);
        if (matcher.matches()) {
            return new Part(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }
        matcher = TS_SEGMENT.matcher(name);
        if (matcher.matches()) {
            return new TsSegment(Long.parseLong(matcher.group(1)));
        }
        matcher = INIT.matcher(name);
        if (matcher.matches()) {
            return new Init(Long.parseLong(matcher.group(1)));
        }
        return null;
    }
}
