package dev.glasscast.server.api;

import dev.glasscast.server.GeneratedSecret;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The admin token of the dashboard and API: {@code server.admin_token}, or one generated into
 * {@code <data_dir>/admin-token} on the first run, so that a bookmarked dashboard link keeps
 * working across restarts.
 */
public final class AdminTokenStore {

    static final String FILE = "admin-token";
    private static final int TOKEN_BYTES = 24;

    private final GeneratedSecret token;

    public AdminTokenStore(Path dataDir, SecureRandom random) {
        this.token = new GeneratedSecret(dataDir.resolve(FILE), TOKEN_BYTES, "the admin token of the dashboard and API", random);
    }

    /** The configured token, or the stored one, or a new one that is stored now. */
    public String resolve(String configured) throws IOException {
        return token.resolve(configured);
    }

    public Path file() {
        return token.file();
    }
}
