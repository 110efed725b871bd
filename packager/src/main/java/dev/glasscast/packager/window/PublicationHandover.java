package dev.glasscast.packager.window;

import java.util.List;

/**
 * What one publication of a path hands to the next publication of the same path, so a player
 * sees the old segments, a discontinuity, then the new ones, and no URL is reused.
 *
 * @param segments           closed segments still held, oldest first; ownership passes to the
 *                           next publication
 * @param inits              init segments those segments need; ownership passes too
 * @param maxSegmentDuration longest segment so far (a playlist's target duration never shrinks)
 * @param nextSequence       where numbering continues
 * @param bridge             what the next publication serves until its own tracks are known, so a
 *                           rendition never 404s between publications; null if the earlier one
 *                           never had an init segment
 */
record PublicationHandover(List<MediaSegment> segments, List<InitSegment> inits, long maxSegmentDuration,
                           long nextSequence, long discontinuitySequence, RenditionSnapshot bridge) {

    /** Nothing held: numbering starts (or continues) at {@code nextSequence}. */
    static PublicationHandover empty(long nextSequence, long discontinuitySequence) {
        return new PublicationHandover(List.of(), List.of(), 0, nextSequence, discontinuitySequence, null);
    }
}
