package dev.glasscast.ingest.auth;

import dev.glasscast.config.StreamConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Decides who may publish: every ingest protocol asks it with the key the publisher presented
 * before anything of the publisher reaches the {@link dev.glasscast.media.StreamHub}.
 * Keys are compared in constant time, and every configured key is compared on every call, so
 * timing tells an attacker nothing about which keys exist.
 */
public final class PublishAuthorizer {

    private final List<StreamConfig> streams;

    /** @param streams the configured streams, each with its (resolved, non-null) key */
    public PublishAuthorizer(List<StreamConfig> streams) {
        for (StreamConfig stream : streams) {
            if (stream.key() == null || stream.key().isEmpty()) {
                throw new IllegalArgumentException("stream " + stream.name() + " has no key");
            }
        }
        this.streams = List.copyOf(streams);
    }

    /** The stream whose key is {@code key}, if any. */
    public Optional<String> streamForKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        byte[] presented = key.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (StreamConfig stream : streams) {
            if (MessageDigest.isEqual(presented, stream.key().getBytes(StandardCharsets.UTF_8))) {
                match = stream.name();
            }
        }
        return Optional.ofNullable(match);
    }

    /** Whether {@code key} is the key of the stream named {@code stream}. */
    public boolean mayPublish(String stream, String key) {
        return key != null && stream != null && stream.equals(streamForKey(key).orElse(null));
    }

    public boolean isKnownStream(String stream) {
        return streams.stream().anyMatch(s -> s.name().equals(stream));
    }
}
