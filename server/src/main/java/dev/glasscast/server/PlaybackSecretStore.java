package dev.glasscast.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The key that signs playback links: {@code server.playback_secret}, or one generated into
 * {@code <data_dir>/playback-secret} on the first run so that links handed out stay valid across
 * restarts.
 */
public final class PlaybackSecretStore {

    static final String FILE = "playback-secret";
    /** As many bytes as HMAC-SHA256 can use. */
    private static final int SECRET_BYTES = 32;

    private final GeneratedSecret secret;

    public PlaybackSecretStore(Path dataDir, SecureRandom random) {
        this.secret = new GeneratedSecret(dataDir.resolve(FILE), SECRET_BYTES, "the key that signs playback links", random);
    }

    /** The configured secret, or the stored one, or a new one that is stored now. */
    public String resolve(String configured) throws IOException {
        return secret.resolve(configured);
    }

    public Path file() {
        return secret.file();
    }
}
