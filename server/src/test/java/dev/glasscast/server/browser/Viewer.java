package dev.glasscast.server.browser;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One viewer in headless Chromium with stock hls.js (low-latency mode, unmuted), watching while a
 * test changes something under it (the source, a restream destination), measured by the shared
 * playback probe. The visit tells the
 * test when its picture first moves, so the test makes its change while someone is watching,
 * not after a guessed delay.
 */
public final class Viewer implements AutoCloseable {

    private static final String PLAYING = "playing";
    
    private final BrowserDriver.Running visit;
    private final Duration timeout;

    /**
     * Starts watching {@code url} (a multivariant playlist); the probe measures {@code watch} from
     * the moment the picture first moves.
     */
    public Viewer(Path workDir, String url, Duration watch) throws Exception {
        timeout = watch.plusSeconds(90);
        visit = BrowserDriver.visit()
                .content(Players.PAGE, Players.HLS_JS)
                .eval("started", Players.hlsJs(url))
                .awaitPlayback(Duration.ofSeconds(45))
                .eval(PLAYING, "true")
                .watchFor(watch)
                .probeReport(Players.PLAYBACK)
                .start(workDir);
    }

    /** Waits until the viewer's picture moves; fails if it does not within {@code seconds}. */
    public void awaitPlaying(int seconds) throws Exception {
        visit.awaitStep(PLAYING, Duration.ofSeconds(seconds));
    }

    /** What the probe saw from the first moving picture to the end of the watch. */
    public PlaybackReport watched() throws Exception {
        return visit.finish(timeout).playback(Players.PLAYBACK);
    }

    @Override
    public void close() {
        visit.close();
    }
}
