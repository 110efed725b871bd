package dev.glasscast.server;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.http.PlaybackTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

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
    private final SecureRandom random;

    public PlaybackSecretStore(Path dataDir, SecureRandom random) {
        this.secret = new GeneratedSecret(dataDir.resolve(FILE), SECRET_BYTES, "the key that signs playback links", random);
        this.random = random;
    }

    /**
     * The signer and judge of playback links for {@code config}. The secret is only read (or
     * generated and kept) when some stream has {@code playback: signed} or one is configured;
     * otherwise nothing is signed and a throwaway key stands in, so no file appears for nothing.
     */
    public PlaybackTokens tokensFor(GlassCastConfig config, Clock clock) throws IOException {
        Set<String> signed = config.ingest().streams().stream().filter(StreamConfig::signedPlayback)
                .map(StreamConfig::name).collect(Collectors.toSet());
        String key;
        if (signed.isEmpty() && config.server().playbackSecret() == null) {
            byte[] throwaway = new byte[SECRET_BYTES];
            random.nextBytes(throwaway);
            key = HexFormat.of().formatHex(throwaway);
        } else {
            key = resolve(config.server().playbackSecret());
        }
        return new PlaybackTokens(key, signed, clock);
    }

    /** The configured secret, or the stored one, or a new one that is stored now. */
    public String resolve(String configured) throws IOException {
        return secret.resolve(configured);
    }

    public Path file() {
        return secret.file();
    }
}
