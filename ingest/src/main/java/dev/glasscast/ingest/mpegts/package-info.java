/**
 * MPEG-TS demultiplexing (ISO/IEC 13818-1): {@link dev.glasscast.ingest.mpegts.TsDemuxer} turns
 * a transport stream from any source (SRT today) into GlassCast tracks and access units, with
 * H.264, H.265 and AAC/ADTS elementary streams and 90 kHz unwrapped timestamps.
 */
package dev.glasscast.ingest.mpegts;
