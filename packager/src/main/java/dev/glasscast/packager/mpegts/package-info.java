/**
 * MPEG-TS (ISO/IEC 13818-1) segments for HLS clients that predate fMP4, muxed on request from the
 * same samples the store holds as CMAF fragments.
 */
package dev.glasscast.packager.mpegts;
