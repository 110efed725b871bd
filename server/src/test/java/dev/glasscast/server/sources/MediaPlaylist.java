package dev.glasscast.server.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The complete segments of an HLS media playlist (fMP4 or TS), each with the init segment that
 * applies to it and its EXTINF; parts and hints of the open segment are left out.
 */
record MediaPlaylist(List<Segment> segments, int discontinuities, boolean ended) {

    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    /** @param init the init segment's URI, or null for a TS playlist */
    record Segment(String uri, String init, double extinf, boolean afterDiscontinuity) {
    }

    static MediaPlaylist parse(String text) {
        List<Segment> segments = new ArrayList<>();
        String init = null;
        double extinf = -1;
        boolean discontinuity = false;
        int discontinuities = 0;
        for (String line : text.split("\n")) {
            Matcher map = MAP.matcher(line);
            if (map.find()) {
                init = map.group(1);
            } else if (line.startsWith("#EXTINF:")) {
                extinf = Double.parseDouble(line.substring("#EXTINF:".length(), line.indexOf(',')));
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (!line.isBlank() && !line.startsWith("#") && extinf >= 0) {
                segments.add(new Segment(line.trim(), init, extinf, discontinuity));
                if (discontinuity) {
                    discontinuities++;
                }
                extinf = -1;
                discontinuity = false;
            }
        }
        return new MediaPlaylist(List.copyOf(segments), discontinuities, text.contains("#EXT-X-ENDLIST"));
    }

    /** The number in the last segment's name ({@code seg123.m4s}, {@code ts123.ts}), or -1. */
    long lastSequence() {
        if (segments.isEmpty()) {
            return -1;
        }
        return Long.parseLong(segments.getLast().uri().replaceAll("\\D", ""));
    }

    double totalSeconds() {
        return segments.stream().mapToDouble(Segment::extinf).sum();
    }

    /** The URIs of the renditions a multivariant playlist names (EXT-X-STREAM-INF lines and EXT-X-MEDIA URIs). */
    static List<String> renditionPlaylists(String multivariant) {
        List<String> uris = new ArrayList<>();
        Matcher media = Pattern.compile("#EXT-X-MEDIA:[^\n]*URI=\"([^\"]+)\"").matcher(multivariant);
        while (media.find()) {
            uris.add(media.group(1));
        }
        String[] lines = multivariant.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("#EXT-X-STREAM-INF:") && !uris.contains(lines[i + 1].trim())) {
                uris.add(lines[i + 1].trim());
            }
        }
        return uris;
    }
}
