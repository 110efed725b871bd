/**
 * The segment window: the one place live media is kept, and the values renderers read.
 *
 * <p>A frame's route: the hub hands a rendition's access units to its {@link
 * dev.glasscast.packager.window.LiveRendition}, whose {@link dev.glasscast.packager.cutter.Fmp4Cutter}
 * cuts them into parts and segments; the rendition numbers them, hands them to the
 * {@link dev.glasscast.packager.window.RenditionRecorder}, keeps them in its
 * {@link dev.glasscast.packager.window.SegmentWindow} (evict the oldest beyond the DVR window,
 * swap those beyond the memory window for their recorded copies) and publishes an immutable
 * {@link dev.glasscast.packager.window.RenditionSnapshot}.
 *
 * <p>Wiring: {@code SegmentStore store = new SegmentStore(SegmentStoreLimits.of(config.packaging()),
 * PooledByteBufAllocator.DEFAULT, Clock.systemUTC(), SegmentStore.DEFAULT_ENDED_RETENTION);
 * hub.addListener(store);} then call {@code store.purgeExpired()} now and then and
 * {@code store.close()} at shutdown. Renderers read through
 * {@link dev.glasscast.packager.window.RenditionLookup}: immutable
 * {@link dev.glasscast.packager.window.RenditionSnapshot}s of
 * {@link dev.glasscast.packager.window.MediaSegment}s made of
 * {@link dev.glasscast.packager.window.SegmentPart}s, whose bytes are
 * {@link dev.glasscast.packager.window.SegmentBytes} (reference counted, see there).
 */
package dev.glasscast.packager.window;
