package dev.glasscast.config;

/**
 * @param enabled whether the RTMP listener runs
 * @param bind    listen address
 * @param port    TCP port, 1935 by default; 0 picks a free one (tests)
 */
public record RtmpConfig(boolean enabled, String bind, int port) {

    public RtmpConfig withPort(int newPort) {
        return new RtmpConfig(enabled, bind, newPort);
    }
}
