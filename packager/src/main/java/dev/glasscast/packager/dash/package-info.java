/**
 * MPEG-DASH from the segment store: the MPD renderer and its origin. Media objects are the CMAF
 * objects HLS lists too, fetched by the same URLs from
 * {@link dev.glasscast.packager.cmaf.CmafObjectOrigin}.
 */
package dev.glasscast.packager.dash;
