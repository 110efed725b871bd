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
 * for a while ({@link AuthFailureLimiter}). A valid key is then put to the operator's
 * {@link PublishAdmission} (the on_publish webhook), except a stand-in's.
 */
public final class PublishAuthorizer {

    private final List<StreamConfig> streams;
    private final List<StreamConfig> standIns;
    /** Both, the candidates for {@link #streamForKey}. */
    private final List<StreamConfig> everyKey;
    private final AuthFailureLimiter failures;
    private final PublishAdmission admission;

    /** @param streams the configured streams, each with its (resolved, non-null) key */
    public PublishAuthorizer(List<StreamConfig> streams) {
        this(streams, List.of(), new AuthFailureLimiter());
    }

    /** Without an on_publish check. */
    public PublishAuthorizer(List<StreamConfig> streams, List<StreamConfig> standIns, AuthFailureLimiter failures) {
        this(streams, standIns, failures, PublishAdmission.ALLOW_ALL);
    }

    /**
     * @param streams  the configured streams, each with its (resolved, non-null) key
     * @param standIns keys, never shown to anyone, that the daemon's own stand-in publishers (the
     *                 test pattern) publish a stream with: a stand-in gives way to a publisher
     *                 with the stream's real key ({@link dev.glasscast.media.StreamHub#publishStandIn})
     * @param failures counts failed attempts per address, shared by every protocol
     * @param admission asked about every publisher whose key is a stream's (not a stand-in's)
     */
    public PublishAuthorizer(List<StreamConfig> streams, List<StreamConfig> standIns, AuthFailureLimiter failures,
                             PublishAdmission admission) {
        this.failures = failures;
        this.admission = admission;
        this.everyKey = java.util.stream.Stream.concat(streams.stream(), standIns.stream()).toList();
        for (StreamConfig stream : everyKey) {
            if (stream.key() == null || stream.key().isEmpty()) {
                throw new IllegalArgumentException("stream " + stream.name() + " has no key");
            }
        }
        this.streams = List.copyOf(streams);
        this.standIns = List.copyOf(standIns);
    }

    /** The stream whose key (or stand-in key) is {@code key}, if any. */
    public Optional<String> streamForKey(String key) {
        return match(key, everyKey);
    }

    /**
     * Whether {@code key} is a stand-in's key. RTMP ingest publishes such a publisher as a stand-in;
     * SRT has no use for it (the test pattern publishes over RTMP) and publishes it as any other.
     */
    public boolean isStandInKey(String key) {
        return match(key, standIns).isPresent();
    }

    /** Compares {@code key} with every key of {@code candidates}, in constant time each. */
    private static Optional<String> match(String key, List<StreamConfig> candidates) {
        if (key == null) {
            return Optional.empty();
        }
        byte[] presented = key.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (StreamConfig stream : candidates) {
            if (MessageDigest.isEqual(presented, stream.key().getBytes(StandardCharsets.UTF_8))) {
                match = stream.name();
            }
        }
        return Optional.ofNullable(match);
    }

    /**
     * The operator's verdict on a publisher whose key checked out: at once for a stand-in or
     * without an on_publish webhook, later otherwise (never on the caller's thread then).
     */
    public java.util.concurrent.CompletableFuture<PublishAdmission.Verdict> admit(String stream, String protocol,
                                                                                 InetAddress from, String key) {
        if (isStandInKey(key)) {
            return java.util.concurrent.CompletableFuture.completedFuture(new PublishAdmission.Verdict(true, "stand-in"));
        }
        return admission.admit(new PublishAdmission.Request(stream, protocol, from, key));
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
