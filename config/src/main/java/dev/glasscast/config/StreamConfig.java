package dev.glasscast.config;

/**
 * One stream that may be published.
 *
 * @param name     the stream name in URLs ({@code /live/{name}/index.m3u8})
 * @param key      the secret stream key; null means "generate one on first run and keep it in the
 *                 data directory"
 * @param playback who may watch: {@value #PUBLIC} (anyone with the URL) or {@value #SIGNED} (only
 *                 holders of an unexpired signed link, see {@code server.playback_secret})
 * @param restream where the stream is pushed while it is live; empty for nowhere
 */
public record StreamConfig(String name, String key, String playback, java.util.List<RestreamConfig> restream) {

    public static final String PUBLIC = "public";
    public static final String SIGNED = "signed";

    public StreamConfig {
        if (playback == null) {
            playback = PUBLIC;
        }
        restream = restream == null ? java.util.List.of() : java.util.List.copyOf(restream);
    }

    /** A stream pushed nowhere. */
    public StreamConfig(String name, String key, String playback) {
        this(name, key, playback, java.util.List.of());
    }

    /** A stream anyone may watch. */
    public StreamConfig(String name, String key) {
        this(name, key, PUBLIC);
    }

    public StreamConfig withKey(String newKey) {
        return new StreamConfig(name, newKey, playback, restream);
    }

    public StreamConfig withPlayback(String newPlayback) {
        return new StreamConfig(name, key, newPlayback, restream);
    }

    public StreamConfig withRestream(java.util.List<RestreamConfig> newRestream) {
        return new StreamConfig(name, key, playback, newRestream);
    }

    /** Whether viewers need a signed link. */
    public boolean signedPlayback() {
        return SIGNED.equals(playback);
    }

    @Override
    public String toString() {
        return "StreamConfig[name=" + name + ", key=" + (key == null ? "generated" : "<redacted>") + ", playback=" + playback
                + ", restream=" + restream + "]";
    }
}
