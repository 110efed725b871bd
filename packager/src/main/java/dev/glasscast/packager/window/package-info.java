/**
 * The segment store: the one place media is kept.
 *
 * <p>Wiring: {@code SegmentStore store = new SegmentStore(SegmentStoreLimits.of(config.packaging()),
 * PooledByteBufAllocator.DEFAULT, Clock.systemUTC(), SegmentStore.DEFAULT_ENDED_RETENTION);
 * hub.addListener(store);} then call {@code store.purgeExpired()} now and then and
 * {@code store.close()} at shutdown. Renderers read through
 * {@link dev.glasscast.packager.window.RenditionLookup}: immutable
 * {@link dev.glasscast.packager.window.RenditionSnapshot}s of
 * {@link dev.glasscast.packager.window.MediaSegment}s made of
 * {@link dev.glasscast.packager.window.SegmentPart}s.
 */
package dev.glasscast.packager.window;
