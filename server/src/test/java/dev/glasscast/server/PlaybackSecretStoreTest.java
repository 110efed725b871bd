package dev.glasscast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playback secret: generated once and kept (owner-only), a configured one wins and is not written. */
class PlaybackSecretStoreTest {

    @Test
    void generatedOnceKeptAcrossRestartsReadableByTheOwnerOnly(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String first = new PlaybackSecretStore(data, new SecureRandom()).resolve(null);
        assertTrue(first.matches("[0-9a-f]{64}"), first);
        assertEquals(first, new PlaybackSecretStore(data, new SecureRandom()).resolve(null), "the same after a restart");
        Path file = data.resolve(PlaybackSecretStore.FILE);
        assertEquals(first + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aConfiguredSecretWinsAndNothingIsWritten(@TempDir Path dir) throws Exception {
        String configured = "configured-secret-0123456789abcdef";
        assertEquals(configured, new PlaybackSecretStore(dir, new SecureRandom()).resolve(configured));
        assertFalse(Files.exists(dir.resolve(PlaybackSecretStore.FILE)));
    }
}
