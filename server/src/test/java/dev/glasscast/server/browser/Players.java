package dev.glasscast.server.browser;

import java.time.Duration;

/**
 * Pages that play a URL with one of the real players from npm, unmuted. Each player script
 * starts the playback probe ({@code browser-tests/probe.js}) on the video and the player before
 * the player loads anything, so the probe hears every error from the first request on, and reads
 * the player's own live-latency estimate.
 */
public final class Players {

    /** The name {@link #watch} records the probe's report under. */
    public static final String PLAYBACK = "playback";

    public static final String PAGE = """
            <html><body><video id="v" autoplay playsinline width="640" height="360"></video></body></html>""";

    public static final String HLS_JS = "hls.js/dist/hls.min.js";
    public static final String SHAKA = "shaka-player/dist/shaka-player.compiled.js";
    /** The package root resolves (its "require" export) to dist/modern/umd/dash.all.min.js. */
    public static final String DASH_JS = "dashjs";

    private Players() {
    }

    /** hls.js in low-latency mode. */
    public static String hlsJs(String url) {
        return """
                (() => {
                  const v = document.getElementById('v');
                  const hls = new Hls({ lowLatencyMode: true });
                  window.player = hls;
                  glasscastProbe.watch(v, () => window.player);
                  hls.loadSource('%s');
                  hls.attachMedia(v);
                  v.play().catch(() => {});
                  return true;
                })()""".formatted(url);
    }

    /** Shaka Player with its defaults (DASH or HLS). */
    public static String shaka(String url) {
        return shaka(url, "{}");
    }

    /** Shaka Player with this configuration (a JavaScript object literal) over its defaults. */
    public static String shaka(String url, String configuration) {
        return """
                (() => {
                  shaka.polyfill.installAll();
                  const v = document.getElementById('v');
                  const player = new shaka.Player();
                  player.configure(%s);
                  window.player = player;
                  glasscastProbe.watch(v, () => window.player);
                  player.attach(v).then(() => player.load('%s')).then(() => v.play().catch(() => {}))
                    .catch(e => console.error('Shaka could not load: ' + (e.code || e)));
                  return true;
                })()""".formatted(configuration, url);
    }

    /** dash.js with live catch-up on; the MPD's ServiceDescription sets the latency target. */
    public static String dashJs(String url) {
        return """
                (() => {
                  const v = document.getElementById('v');
                  const player = dashjs.MediaPlayer().create();
                  player.updateSettings({ streaming: { liveCatchup: { enabled: true } } });
                  // What dash.js learnt and asked for, for a test to print when it stalls: MPD
                  // loads (initial + refreshes), whether its 'play' (which starts the MPD refresh
                  // timer) was seen, and the last media request per type.
                  const diag = window.dashDiag = { mpdLoads: 0, playbackStarted: false, last: {} };
                  player.on('manifestLoaded', () => { diag.mpdLoads++; });
                  player.on('playbackStarted', () => { diag.playbackStarted = true; });
                  player.on('fragmentLoadingStarted', e => {
                    const r = e.request || {};
                    if (r.type === 'MediaSegment') {
                      diag.last[r.mediaType] = { url: r.url, index: r.index, start: r.startTime, at: Date.now() };
                    }
                  });
                  window.player = player;
                  glasscastProbe.watch(v, () => window.player);
                  player.initialize(v, '%s', true);
                  return true;
                })()""".formatted(url);
    }

    /**
     * Starts {@code player} on the page with the probe watching, waits until playback is under
     * way, lets it play for {@code watch} and records the probe's report as {@link #PLAYBACK}.
     */
    public static BrowserDriver.Visit watch(String origin, String script, String playerScript, Duration watch) {
        // The page takes the daemon's origin, so root-relative URLs (the MPD's /time) resolve to it.
        return BrowserDriver.visit()
                .goTo(origin + "/healthz")
                .content(PAGE, script)
                .eval("started", playerScript)
                .awaitPlayback(Duration.ofSeconds(45))
                .watchFor(watch)
                .probeReport(PLAYBACK);
    }
}
