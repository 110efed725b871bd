package dev.glasscast.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the operator's config file and, when it is saved, reloads and validates it and hands
 * the new configuration to every listener. An edit that does not validate is logged with its
 * errors and otherwise ignored: the running configuration stays until a valid edit arrives.
 *
 * <p>It watches the file's directory rather than the file, because editors often save by
 * writing a new file and renaming it over the old one, which a watch on the file itself would
 * lose. Events are read on one platform thread of its own ({@code config-watcher}); listeners
 * are called on that thread, one after another, and must not block for long.
 *
 * <p>Typical wiring:
 * <pre>{@code
 * ConfigLoader loader = new ConfigLoader();
 * GlassCastConfig config = loader.load(file, System.getenv());
 * ConfigWatcher watcher = new ConfigWatcher(loader, file, System.getenv(), config);
 * watcher.addListener(newConfig -> ...);
 * watcher.start();
 * ... transcoder reads watcher::current ...
 * watcher.close();
 * }</pre>
 */
public final class ConfigWatcher implements AutoCloseable {

    /** Lifecycle: {@code NEW → RUNNING → CLOSED}, or {@code NEW → CLOSED}. */
    public enum State {
        NEW,
        RUNNING,
        CLOSED
    }

    /**
     * How long to wait after the first change event before reading: an editor's save often
     * arrives as several events (truncate, write, write), and reading after the first would
     * see a half-written file.
     */
    public static final Duration DEFAULT_SETTLE_TIME = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final ConfigLoader loader;
    private final Path file;
    private final Map<String, String> environment;
    private final Duration settleTime;
    private final List<Consumer<GlassCastConfig>> listeners = new CopyOnWriteArrayList<>();
    private volatile GlassCastConfig current;
    private volatile State state = State.NEW;
    private WatchService watchService;
    private Thread thread;
    // Serialises reloads from the watch thread and from callers of reload(), so listeners see
    // configurations in the order they were loaded.
    private final Object reloadLock = new Object();

    /**
     * @param loader      loads and validates the file
     * @param file        the operator's YAML file
     * @param environment the environment overrides applied on every reload, as at startup
     * @param initial     the configuration running now (the one loaded at startup)
     * @param settleTime  how long to let a save finish before reading the file
     */
    public ConfigWatcher(ConfigLoader loader, Path file, Map<String, String> environment, GlassCastConfig initial,
                         Duration settleTime) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.file = file.toAbsolutePath();
        this.environment = Map.copyOf(environment);
        this.current = Objects.requireNonNull(initial, "initial");
        this.settleTime = settleTime;
    }

    public ConfigWatcher(ConfigLoader loader, Path file, Map<String, String> environment, GlassCastConfig initial) {
        this(loader, file, environment, initial, DEFAULT_SETTLE_TIME);
    }

    /**
     * Registers a listener for configurations loaded from now on; the returned handle removes it.
     * A listener that throws is logged and does not keep the others from hearing of the change.
     */
    public AutoCloseable addListener(Consumer<GlassCastConfig> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The configuration in force: the initial one or the last valid edit. */
    public GlassCastConfig current() {
        return current;
    }

    public State state() {
        return state;
    }

    /**
     * Starts watching.
     *
     * @throws IOException if the directory cannot be watched
     */
    public synchronized void start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("already " + state);
        }
        watchService = FileSystems.getDefault().newWatchService();
        file.getParent().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        state = State.RUNNING;
        thread = Thread.ofPlatform().name("config-watcher").daemon(true).start(this::watch);
        log.info("watching {} for changes", file);
    }

    /**
     * Reads the file now, as a save would (also useful on SIGHUP).
     *
     * @return whether a new, valid configuration was handed to the listeners
     */
    public boolean reload() {
        synchronized (reloadLock) {
            return reloadLocked();
        }
    }

    private boolean reloadLocked() {
        GlassCastConfig loaded;
        try {
            loaded = loader.load(file, environment);
        } catch (ConfigException e) {
            log.warn("{} was changed but is not valid; keeping the running configuration:\n{}", file, e.getMessage());
            return false;
        }
        if (loaded.equals(current)) {
            log.debug("{} was touched but its configuration did not change", file);
            return false;
        }
        current = loaded;
        log.info("{} reloaded", file);
        for (Consumer<GlassCastConfig> listener : listeners) {
            try {
                listener.accept(loaded);
            } catch (RuntimeException e) {
                log.error("config listener {} failed on the reloaded configuration", listener, e);
            }
        }
        return true;
    }

    private void watch() {
        try {
            while (state == State.RUNNING) {
                WatchKey key = watchService.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW
                            || file.getFileName().equals(event.context())) {
                        ours = true;
                    }
                }
                key.reset();
                if (!ours) {
                    continue;
                }
                Thread.sleep(settleTime.toMillis());
                // Events that arrived while settling belong to the same save.
                WatchKey more;
                while ((more = watchService.poll(0, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // close() ends the loop either way.
        }
    }

    /** Stops watching; listeners hear of no further changes. Idempotent. */
    @Override
    public synchronized void close() {
        State was = state;
        state = State.CLOSED;
        if (was != State.RUNNING) {
            return;
        }
        try {
            watchService.close();
        } catch (IOException e) {
            log.debug("closing the watch service of {}", file, e);
        }
        thread.interrupt();
    }
}
