package dev.glasscast.config;

/**
 * The embedded test pattern publisher, so a newcomer sees video without OBS.
 *
 * @param enabled whether it publishes at startup
 * @param stream  the stream name it publishes to (must be one of {@code ingest.streams})
 * @param width   picture width
 * @param height  picture height
 * @param fps     frames per second
 * @param videoBitrate bits per second of its H.264
 */
public record TestSourceConfig(boolean enabled, String stream, int width, int height, int fps, long videoBitrate) {

    public TestSourceConfig withEnabled(boolean on) {
        return new TestSourceConfig(on, stream, width, height, fps, videoBitrate);
    }
}
