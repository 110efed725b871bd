package dev.glasscast.packager.store;

import dev.glasscast.media.StreamPath;
import java.util.List;
import java.util.Optional;

/**
 * What the renderers read in the daemon: a stream's live renditions while the store holds any,
 * else its recording, so a recording plays at the live URLs (after the store's retention and
 * after a restart) and a new publication takes the URLs back.
 */
public final class LiveOrRecorded implements RenditionLookup {

    private final RenditionLookup live;
    private final RenditionLookup recorded;

    public LiveOrRecorded(RenditionLookup live, RenditionLookup recorded) {
        this.live = live;
        this.recorded = recorded;
    }

    @Override
    public Optional<RenditionSnapshot> find(StreamPath rendition) {
        if (!live.renditions(rendition.stream()).isEmpty()) {
            return live.find(rendition);
        }
        return recorded.find(rendition);
    }

    @Override
    public List<RenditionSnapshot> renditions(String stream) {
        List<RenditionSnapshot> current = live.renditions(stream);
        return current.isEmpty() ? recorded.renditions(stream) : current;
    }
}
