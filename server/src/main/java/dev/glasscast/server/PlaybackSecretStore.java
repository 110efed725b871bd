package dev.glasscast.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the generated key that signs playback links in {@code <data_dir>/playback-secret},
 * created on the first run (owner-readable only), so that links handed out stay valid across
 * restarts. A secret set in the config ({@code server.playback_secret}) wins and nothing is
 * written. The secret is never logged; only the file's path is.
 */
public final class PlaybackSecretStore {

    private static final Logger log = LoggerFactory.getLogger(PlaybackSecretStore.class);

    static final String FILE = "playback-secret";
    /** As many bytes as HMAC-SHA256 can use. */
    private static final int SECRET_BYTES = 32;

    private final Path file;
    private final SecureRandom random;

    public PlaybackSecretStore(Path dataDir, SecureRandom random) {
        this.file = dataDir.resolve(FILE);
        this.random = random;
    }

    /** The configured secret, or the stored one, or a new one that is stored now. */
    public String resolve(String configured) throws IOException {
        if (configured != null) {
            return configured;
        }
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, FILE, ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's own permissions apply.
        }
        Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("generated the key that signs playback links into {}", file.toAbsolutePath());
        return secret;
    }

    public Path file() {
        return file;
    }
}
