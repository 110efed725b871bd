package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

    /** Generous: inotify is prompt, but the machine may be busy; the test only waits this long on failure. */
    private static final long PATIENCE_SECONDS = 30;

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void aSavedValidEditReachesListenersAndAnInvalidOneIsIgnored(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("glasscast.yaml"), "server:\n  http_port: 8081\n");
        GlassCastConfig initial = loader.load(file, Map.of());
        LinkedBlockingQueue<GlassCastConfig> seen = new LinkedBlockingQueue<>();
        try (ConfigWatcher watcher = new ConfigWatcher(loader, file, Map.of("GLASSCAST_CACHE__MAX_BYTES", "1000"),
                initial, Duration.ofMillis(50))) {
            watcher.addListener(seen::add);
            watcher.start();
            assertEquals(ConfigWatcher.State.RUNNING, watcher.state());

            Files.writeString(file, "server:\n  http_port: 8082\n");
            GlassCastConfig reloaded = seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertEquals(8082, reloaded.server().httpPort());
            assertEquals(1000, reloaded.cache().maxBytes(), "the environment applies on reload too");
            assertEquals(reloaded, watcher.current());

            // An invalid save is logged; the running configuration stays.
            Files.writeString(file, "server:\n  http_port: 99999\n");
            assertFalse(watcher.reload());
            assertEquals(8082, watcher.current().server().httpPort());

            // Editors that save by renaming a temporary file over the original are seen too.
            Path temporary = Files.writeString(dir.resolve(".glasscast.yaml.swp"), "server:\n  http_port: 8083\n");
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            GlassCastConfig next = seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            while (next != null && next.server().httpPort() != 8083) {
                next = seen.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            }
            assertEquals(8083, next.server().httpPort());
            for (GlassCastConfig any : seen) {
                assertTrue(any.server().httpPort() != 99999, "an invalid configuration reached a listener");
            }
        }
    }

    @Test
    void closeEndsWatching(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("glasscast.yaml"), "");
        ConfigWatcher watcher = new ConfigWatcher(loader, file, Map.of(), loader.defaults());
        watcher.start();
        watcher.close();
        watcher.close();
        assertEquals(ConfigWatcher.State.CLOSED, watcher.state());
    }
}
