package dev.glasscast.server;

import dev.glasscast.config.StreamConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Gives every configured stream without a key in the config a random key, generated on first
 * run and kept in {@code <data_dir>/stream-keys.properties} so that OBS settings stay valid
 * across restarts.
 */
public final class StreamKeyStore {

    private static final String FILE = "stream-keys.properties";
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final int KEY_LENGTH = 24;

    private final Path file;
    private final SecureRandom random;

    public StreamKeyStore(Path dataDir, SecureRandom random) {
        this.file = dataDir.resolve(FILE);
        this.random = random;
    }

    /** The streams with every key resolved; writes newly generated keys to disk. */
    public List<StreamConfig> resolve(List<StreamConfig> streams) throws IOException {
        Properties stored = load();
        boolean changed = false;
        List<StreamConfig> resolved = new ArrayList<>();
        for (StreamConfig stream : streams) {
            if (stream.key() != null) {
                resolved.add(stream);
                continue;
            }
            String key = stored.getProperty(stream.name());
            if (key == null) {
                key = newKey();
                stored.setProperty(stream.name(), key);
                changed = true;
            }
            resolved.add(stream.withKey(key));
        }
        if (changed) {
            save(stored);
        }
        return resolved;
    }

    public Path file() {
        return file;
    }

    private String newKey() {
        char[] key = new char[KEY_LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(key);
    }

    private Properties load() throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
        }
        return properties;
    }

    private void save(Properties properties) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's own permissions apply.
        }
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            properties.store(out, "GlassCast stream keys, generated on first run. Keep this file secret.");
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
