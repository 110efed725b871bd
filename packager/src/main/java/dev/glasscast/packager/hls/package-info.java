/**
 * HLS rendered on request from the segment store: {@link dev.glasscast.packager.hls.HlsOrigin}
 * serves the playlists (LL-HLS blocking reloads and delta updates included) and the MPEG-TS
 * segments, through its pure renderers for the multivariant, media and TS playlists. The fMP4
 * objects the playlists list are served by {@link dev.glasscast.packager.cmaf.CmafObjectOrigin},
 * which DASH shares.
 */
package dev.glasscast.packager.hls;
