package dev.glasscast.server.sources;

/** How a row's encoder reaches the daemon: MPEG-TS over SRT, or FLV over RTMP, as OBS offers both. */
enum Transport {
    SRT,
    RTMP
}
