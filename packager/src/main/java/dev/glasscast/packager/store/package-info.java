/**
 * The segment store: the one place media is kept.
 *
 * <p>Wiring: {@code SegmentStore store = new SegmentStore(SegmentStoreLimits.of(config.packaging()),
 * PooledByteBufAllocator.DEFAULT, Clock.systemUTC(), SegmentStore.DEFAULT_ENDED_RETENTION);
 * hub.addListener(store);} then call {@code store.purgeExpired()} now and then and
 * {@code store.close()} at shutdown. Renderers read through
 * {@link dev.glasscast.packager.store.RenditionLookup}: immutable
 * {@link dev.glasscast.packager.store.RenditionSnapshot}s of
 * {@link dev.glasscast.packager.store.MediaSegment}s made of
 * {@link dev.glasscast.packager.store.SegmentPart}s.
 */
package dev.glasscast.packager.store;
