package dev.glasscast.server.playback;

import dev.glasscast.server.browser.BrowserDriver;
import java.time.Duration;

/**
 * Pages that play a URL with one of the real players from npm and keep what a test asserts in
 * {@code window.report}: errors (fatal ones marked), and a {@code latency()} function reading the
 * player's own live-latency estimate.
 */
final class Players {

    static final String PAGE = """
            <html><body><video id="v" muted autoplay playsinline width="640" height="360"></video>
            <script>window.report = { errors: [], fatal: false };</script></body></html>""";

    static final String HLS_JS = "hls.js/dist/hls.min.js";
    static final String SHAKA = "shaka-player/dist/shaka-player.compiled.js";
    /** The package root resolves (its "require" export) to dist/modern/umd/dash.all.min.js. */
    static final String DASH_JS = "dashjs";

    private Players() {
    }

    /** hls.js in low-latency mode. */
    static String hlsJs(String url) {
        return """
                (() => {
                  const v = document.getElementById('v');
                  const hls = new Hls({ lowLatencyMode: true });
                  hls.on(Hls.Events.ERROR, (e, d) => {
                    report.errors.push(d.type + ':' + d.details + (d.fatal ? ':fatal' : ''));
                    if (d.fatal) report.fatal = true;
                  });
                  hls.loadSource('%s');
                  hls.attachMedia(v);
                  v.play().catch(() => {});
                  window.player = hls;
                  window.latency = () => hls.latency;
                  return true;
                })()""".formatted(url);
    }

    /** Shaka Player with its defaults (DASH or HLS). */
    static String shaka(String url) {
        return """
                (() => {
                  shaka.polyfill.installAll();
                  const v = document.getElementById('v');
                  const player = new shaka.Player();
                  player.addEventListener('error', e => {
                    report.errors.push('shaka:' + e.detail.code + ':' + e.detail.severity + ':' + String(e.detail.data && e.detail.data.slice(0, 2)));
                    if (e.detail.severity === 2) report.fatal = true;
                  });
                  player.attach(v).then(() => player.load('%s')).then(() => v.play().catch(() => {}))
                    .catch(e => { report.errors.push('load:' + (e.code || e)); report.fatal = true; });
                  window.player = player;
                  window.latency = () => player.isLive() ? (Date.now() - player.getPlayheadTimeAsDate().getTime()) / 1000 : null;
                  return true;
                })()""".formatted(url);
    }

    /** dash.js with live catch-up on; the MPD's ServiceDescription sets the latency target. */
    static String dashJs(String url) {
        return """
                (() => {
                  const v = document.getElementById('v');
                  const player = dashjs.MediaPlayer().create();
                  player.updateSettings({ streaming: { liveCatchup: { enabled: true } } });
                  player.on(dashjs.MediaPlayer.events.ERROR, e => {
                    report.errors.push('dashjs:' + JSON.stringify(e.error || e).slice(0, 200));
                    report.fatal = true;
                  });
                  player.initialize(v, '%s', true);
                  window.player = player;
                  window.latency = () => player.getCurrentLiveLatency();
                  return true;
                })()""".formatted(url);
    }

    /**
     * Starts {@code player} on the page, waits until playback is under way, then records the
     * video's time and the player's latency every second for {@code watch}.
     */
    static BrowserDriver.Visit watch(String origin, String script, String playerScript, Duration watch) {
        // The page takes the daemon's origin, so root-relative URLs (the MPD's /time) resolve to it.
        return BrowserDriver.visit()
                .goTo(origin + "/healthz")
                .content(PAGE, script)
                .eval("started", playerScript)
                .waitFor("document.getElementById('v').currentTime > 0.5 || report.fatal", Duration.ofSeconds(45))
                .eval("startTime", "document.getElementById('v').currentTime")
                .sample("latency", "(() => { const l = window.latency(); return l == null ? null : Number(l); })()",
                        Duration.ofSeconds(1), watch)
                .eval("endTime", "document.getElementById('v').currentTime")
                .eval("errors", "report.errors")
                .eval("fatal", "report.fatal");
    }
}
