/**
 * AMF0 (Adobe Action Message Format 0), the encoding of RTMP commands and FLV script data:
 * {@link dev.glasscast.ingest.amf0.Amf0Decoder} reads it with limits on depth and sizes,
 * {@link dev.glasscast.ingest.amf0.Amf0Encoder} writes command responses.
 */
package dev.glasscast.ingest.amf0;
