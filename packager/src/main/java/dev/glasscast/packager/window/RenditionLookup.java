package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import java.util.List;
import java.util.Optional;

/** Read access to the store's renditions: what the renderers need, and nothing else. */
public interface RenditionLookup {

    /** The latest snapshot of one rendition, if the store holds it. */
    Optional<RenditionSnapshot> find(StreamPath rendition);

    /** The latest snapshots of every rendition of {@code stream}, ordered by rendition name. */
    List<RenditionSnapshot> renditions(String stream);
}
