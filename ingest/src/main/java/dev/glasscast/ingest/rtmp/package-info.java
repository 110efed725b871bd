/**
 * RTMP ingest as a Netty codec: {@link dev.glasscast.ingest.rtmp.RtmpHandshakeHandler} (plain and
 * digest handshakes), {@link dev.glasscast.ingest.rtmp.RtmpChunkDecoder} and
 * {@link dev.glasscast.ingest.rtmp.RtmpChunkEncoder} (chunk stream to and from
 * {@link dev.glasscast.ingest.rtmp.RtmpMessage}), {@link dev.glasscast.ingest.rtmp.RtmpSessionHandler}
 * (the publish command flow) and {@link dev.glasscast.ingest.rtmp.RtmpServer} (the listener).
 */
package dev.glasscast.ingest.rtmp;
