package dev.glasscast.config;

/**
 * One stream that may be published.
 *
 * @param name the stream name in URLs ({@code /live/{name}/index.m3u8})
 * @param key  the secret stream key; null means "generate one on first run and keep it in the
 *             data directory"
 */
public record StreamConfig(String name, String key) {

    public StreamConfig withKey(String newKey) {
        return new StreamConfig(name, newKey);
    }

    @Override
    public String toString() {
        return "StreamConfig[name=" + name + ", key=" + (key == null ? "generated" : "<redacted>") + "]";
    }
}
