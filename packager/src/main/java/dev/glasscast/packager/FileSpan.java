package dev.glasscast.packager;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a rendered body's bytes also lie on disk: {@code length} bytes at {@code offset} of
 * {@code file}, which nobody changes any more (a recorded segment). The HTTP layer may send them
 * from there with {@code sendfile}, which spares the copy of every byte into the socket that
 * writing the body from memory costs.
 *
 * <p>The name stays: it is exactly a span of a file (file, offset, length), and the edge cache and
 * the HTTP layer use it for any body, not only for segments.
 */
public record FileSpan(Path file, long offset, long length) {

    public FileSpan {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad file span " + offset + "+" + length + " of " + file);
        }
    }
}
