/**
 * HLS with fMP4 segments, rendered on request from the segment store:
 * {@link dev.glasscast.packager.hls.HlsOrigin} (the {@link dev.glasscast.packager.MediaOrigin}
 * the delivery side calls: {@code new HlsOrigin(store, config.packaging().playlistSegments(),
 * PooledByteBufAllocator.DEFAULT)}) and its pure renderers for the multivariant and media
 * playlists.
 */
package dev.glasscast.packager.hls;
