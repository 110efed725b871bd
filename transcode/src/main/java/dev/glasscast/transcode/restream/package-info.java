/**
 * Restream: each configured destination of a stream gets what the stream sends (its source, or
 * one rung with the shared audio) pushed over RTMP, RTMPS or SRT while the stream is live, with
 * reconnects that never disturb other destinations or viewers. {@link
 * dev.glasscast.transcode.restream.Restreamer} finds the streams in the hub, a {@link
 * dev.glasscast.transcode.restream.RestreamDestination} runs each destination on its own thread,
 * and {@link dev.glasscast.transcode.restream.RestreamOutput} is one connection, FFmpeg's FLV or
 * MPEG-TS muxer over its rtmp, rtmps or srt protocol.
 */
package dev.glasscast.transcode.restream;
