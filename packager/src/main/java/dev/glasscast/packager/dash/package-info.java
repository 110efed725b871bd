/**
 * MPEG-DASH from the segment store: the MPD renderer and its origin. Media objects are the HLS
 * origin's CMAF segments, fetched by the same URLs.
 */
package dev.glasscast.packager.dash;
