/**
 * FLV tag bodies (H.264 video, AAC audio, {@code onMetaData}) and their mapping onto the media
 * model: {@link dev.glasscast.ingest.flv.FlvAccessUnitMapper} turns the tags of one publisher into
 * track announcements and access units for a {@link dev.glasscast.media.StreamPublisher};
 * {@link dev.glasscast.ingest.flv.FlvTrackAnnouncer} keeps what the headers said and decides when
 * the tracks are announced.
 */
package dev.glasscast.ingest.flv;
