package dev.glasscast.packager.cmaf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the CMAF objects of a rendition, which HLS playlists and the DASH MPD both point
 * at: the last URL path element, what {@link dev.glasscast.packager.OriginRequest#resource()}
 * carries (hence "resource", as in {@link dev.glasscast.packager.hls.HlsResource}). Parsing and
 * naming live together so they cannot disagree.
 *
 * <p>Every name carries a media sequence number, and sequence numbers are unique per rendition
 * across publications and daemon restarts, so a name always means the same bytes.
 */
public sealed interface CmafResource {

    /** {@code init{N}.mp4}: the init segment of the publication whose first segment is N. */
    record Init(long firstSequence) implements CmafResource {
    }

    /** {@code seg{N}.m4s}, N the media sequence number. */
    record Segment(long sequence) implements CmafResource {
    }

    /** {@code part{N}.{I}.m4s}: part I (from 0) of segment N. */
    record Part(long sequence, int index) implements CmafResource {
    }

    /** Up to 18 digits, no leading zeros: every long that names a segment, and one spelling each. */
    String NUMBER = "(0|[1-9][0-9]{0,17})";
    Pattern SEGMENT = Pattern.compile("seg" + NUMBER + "\\.m4s");
    Pattern INIT = Pattern.compile("init" + NUMBER + "\\.mp4");
    Pattern PART = Pattern.compile("part" + NUMBER + "\\.(0|[1-9][0-9]{0,3})\\.m4s");
    /** {@link #segmentName} as a DASH SegmentTemplate {@code media} pattern. */
    String SEGMENT_TEMPLATE = "seg$Number$.m4s";

    static String segmentName(long sequence) {
        return "seg" + sequence + ".m4s";
    }

    static String initName(long firstSequence) {
        return "init" + firstSequence + ".mp4";
    }

    static String partName(long sequence, int index) {
        return "part" + sequence + "." + index + ".m4s";
    }

    /** The object named {@code name}, or null if the name is not one of a CMAF object. */
    static CmafResource parse(String name) {
        if (name == null) {
            return null;
        }
        Matcher matcher = SEGMENT.matcher(name);
        if (matcher.matches()) {
            return new Segment(Long.parseLong(matcher.group(1)));
        }
        matcher = PART.matcher(name);
        if (matcher.matches()) {
            return new Part(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }
        matcher = INIT.matcher(name);
        if (matcher.matches()) {
            return new Init(Long.parseLong(matcher.group(1)));
        }
        return null;
    }
}
