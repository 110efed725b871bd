package dev.glasscast.config;

/**
 * One stream that may be published.
 *
 * @param name     the stream name in URLs ({@code /live/{name}/index.m3u8})
 * @param key      the secret stream key; null means "generate one on first run and keep it in the
 *                 data directory"
 * @param playback who may watch: {@value #PUBLIC} (anyone with the URL) or {@value #SIGNED} (only
 *                 holders of an unexpired signed link, see {@code server.playback_secret})
 */
public record StreamConfig(String name, String key, String playback) {

    public static final String PUBLIC = "public";
    public static final String SIGNED = "signed";

    public StreamConfig {
        if (playback == null) {
            playback = PUBLIC;
        }
    }

    /** A stream anyone may watch. */
    public StreamConfig(String name, String key) {
        this(name, key, PUBLIC);
    }

    public StreamConfig withKey(String newKey) {
        return new StreamConfig(name, newKey, playback);
    }

    public StreamConfig withPlayback(String newPlayback) {
        return new StreamConfig(name, key, newPlayback);
    }

    /** Whether viewers need a signed link. */
    public boolean signedPlayback() {
        return SIGNED.equals(playback);
    }

    @Override
    public String toString() {
        return "StreamConfig[name=" + name + ", key=" + (key == null ? "generated" : "<redacted>") + ", playback=" + playback + "]";
    }
}
