package dev.glasscast.ingest.auth;

import dev.glasscast.config.StreamConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Decides who may publish: every ingest protocol asks it with the key the publisher presented
 * before anything of the publisher reaches the {@link dev.glasscast.media.StreamHub}.
 * Keys are compared in constant time, and every configured key is compared on every call, so
 * timing tells an attacker nothing about which keys exist. The methods that take the caller's
 * address also limit guessing: after a few failures an address is refused without a comparison
 * for a while ({@link AuthFailureLimiter}).
 */
public final class PublishAuthorizer {

    private final List<StreamConfig> streams;
    private final AuthFailureLimiter failures;

    /** @param streams the configured streams, each with its (resolved, non-null) key */
    public PublishAuthorizer(List<StreamConfig> streams) {
        this(streams, new AuthFailureLimiter());
    }

    /**
     * @param streams  the configured streams, each with its (resolved, non-null) key
     * @param failures counts failed attempts per address, shared by every protocol
     */
    public PublishAuthorizer(List<StreamConfig> streams, AuthFailureLimiter failures) {
        this.failures = failures;
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

    /**
     * The stream whose key is {@code key}, if any, unless {@code from} has failed too often
     * lately; a failure counts against {@code from}.
     */
    public Optional<String> streamForKey(String key, InetAddress from) {
        if (failures.isBlocked(from)) {
            return Optional.empty();
        }
        Optional<String> stream = streamForKey(key);
        if (stream.isEmpty()) {
            failures.recordFailure(from);
        }
        return stream;
    }

    /** {@link #mayPublish(String, String)}, limited per address like {@link #streamForKey(String, InetAddress)}. */
    public boolean mayPublish(String stream, String key, InetAddress from) {
        if (failures.isBlocked(from)) {
            return false;
        }
        boolean allowed = mayPublish(stream, key);
        if (!allowed) {
            failures.recordFailure(from);
        }
        return allowed;
    }

    /** Whether {@code from} is refused for now because of earlier failures. */
    public boolean isBlocked(InetAddress from) {
        return failures.isBlocked(from);
    }

    public boolean isKnownStream(String stream) {
        return streams.stream().anyMatch(s -> s.name().equals(stream));
    }
}
