/**
 * The CMAF objects of every rendition (init segments, media segments, parts), served by
 * {@link dev.glasscast.packager.cmaf.CmafObjectOrigin} under the same names for HLS and DASH,
 * including a segment streamed part by part while it is written (low-latency DASH).
 */
package dev.glasscast.packager.cmaf;
