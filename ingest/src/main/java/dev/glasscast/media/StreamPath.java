package dev.glasscast.media;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one live stream in the {@link StreamHub}: either the source a publisher sends
 * ({@code rendition == null}) or one rendition of the ladder made from it.
 *
 * <p>Names are restricted to {@code [A-Za-z0-9_-]{1,64}} so they can appear in URLs and file
 * names without escaping.
 */
public record StreamPath(String stream, String rendition) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public StreamPath {
        requireValidName(stream, "stream");
        if (rendition != null) {
            requireValidName(rendition, "rendition");
        }
    }

    public static StreamPath source(String stream) {
        return new StreamPath(stream, null);
    }

    public static StreamPath rendition(String stream, String rendition) {
        return new StreamPath(stream, Objects.requireNonNull(rendition, "rendition"));
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public boolean isSource() {
        return rendition == null;
    }

    private static void requireValidName(String name, String what) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException(what + " name must match [A-Za-z0-9_-]{1,64}: " + name);
        }
    }

    @Override
    public String toString() {
        return rendition == null ? stream : stream + "/" + rendition;
    }
}
