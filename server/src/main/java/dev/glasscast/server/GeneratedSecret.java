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
 * A secret the daemon makes up on its first run and keeps in a file under the data directory
 * (owner-readable only, written atomically), so that what was handed out with it (a dashboard
 * link, a signed playback link) keeps working across restarts. A value set in the config wins
 * and nothing is written. The secret itself is never logged; only the file's path is.
 */
public final class GeneratedSecret {

    private static final Logger log = LoggerFactory.getLogger(GeneratedSecret.class);

    private final Path file;
    private final int bytes;
    private final String purpose;
    private final SecureRandom random;

    /**
     * @param file    where the secret is kept
     * @param bytes   random bytes in a new secret (written as hex)
     * @param purpose what it is, for the log line, e.g. "the admin token of the dashboard and API"
     */
    public GeneratedSecret(Path file, int bytes, String purpose, SecureRandom random) {
        this.file = file;
        this.bytes = bytes;
        this.purpose = purpose;
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
        byte[] secretBytes = new byte[bytes];
        random.nextBytes(secretBytes);
        String secret = HexFormat.of().formatHex(secretBytes);
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's own permissions apply.
        }
        Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("generated {} into {}", purpose, file.toAbsolutePath());
        return secret;
    }

    public Path file() {
        return file;
    }
}
