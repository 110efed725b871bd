package dev.glasscast.server.api;

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
 * Keeps the generated admin token in {@code <data_dir>/admin-token}, created on the first run,
 * so that a bookmarked dashboard link keeps working across restarts (the pattern of
 * {@code StreamKeyStore}). A token set in the config wins and nothing is written.
 */
public final class AdminTokenStore {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenStore.class);

    static final String FILE = "admin-token";
    private static final int TOKEN_BYTES = 24;

    private final Path file;
    private final SecureRandom random;

    public AdminTokenStore(Path dataDir, SecureRandom random) {
        this.file = dataDir.resolve(FILE);
        this.random = random;
    }

    /** The configured token, or the stored one, or a new one that is stored now. */
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
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE, ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's own permissions apply.
        }
        Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("generated the admin token of the dashboard and API into {}", file.toAbsolutePath());
        return token;
    }

    public Path file() {
        return file;
    }
}
