package dev.glasscast.server.transitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.glasscast.server.browser.BrowserDriver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One viewer in headless Chromium with stock hls.js (low-latency mode), watching while a test
 * changes the source under it. The page tells the test when its picture first moves (a request
 * to a loopback listener the test binds), so the test makes its change while someone is
 * watching, not after a guessed delay.
 */
final class Viewer implements AutoCloseable {

    /** One sample of the page: wall clock and media clock, in seconds. */
    record Sample(double wall, double media, boolean paused, long audioBytes, int errors) {
    }

    /** What the viewer saw over its whole visit. */
    record Watched(List<Sample> samples, List<String> errors, boolean fatal, String diagnostics) {

        /** Stretches of at least 300 ms in which the media clock stood still, in seconds each. */
        List<Double> stalls() {
            List<Double> stalls = new ArrayList<>();
            double frozenSince = -1;
            for (int i = 1; i < samples.size(); i++) {
                Sample before = samples.get(i - 1);
                Sample now = samples.get(i);
                boolean still = now.media() <= before.media() + 0.01;
                if (still && frozenSince < 0) {
                    frozenSince = before.wall();
                } else if (!still && frozenSince >= 0) {
                    if (now.wall() - frozenSince >= 0.3) {
                        stalls.add(now.wall() - frozenSince);
                    }
                    frozenSince = -1;
                }
            }
            if (frozenSince >= 0 && samples.getLast().wall() - frozenSince >= 0.3) {
                stalls.add(samples.getLast().wall() - frozenSince);
            }
            return stalls;
        }

        /** Media seconds played per wall second over the samples. */
        double rate() {
            Sample first = samples.getFirst();
            Sample last = samples.getLast();
            return (last.media() - first.media()) / Math.max(0.001, last.wall() - first.wall());
        }

        boolean audioDecoded() {
            return samples.getLast().audioBytes() > samples.getFirst().audioBytes();
        }

        /** Rate, stalls, audio and player errors in one line, for logs and RELIABILITY.md. */
        String summary() {
            return "rate " + String.format("%.2f", rate()) + ", stalls " + stalls() + ", audio bytes "
                    + samples.getFirst().audioBytes() + "->" + samples.getLast().audioBytes() + ", errors " + errors;
        }

        @Override
        public String toString() {
            return summary() + "\n" + diagnostics;
        }
    }

    private final HttpServer signal;
    private final CountDownLatch playing = new CountDownLatch(1);
    private final CompletableFuture<Watched> visit;

    /**
     * Starts watching {@code url} (a multivariant playlist) and samples for {@code watch} after
     * the picture first moves.
     */
    Viewer(Path workDir, String url, Duration watch) throws Exception {
        signal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        signal.createContext("/playing", exchange -> {
            playing.countDown();
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        signal.start();
        String signalUrl = "http://127.0.0.1:" + signal.getAddress().getPort() + "/playing";
        String page = """
                <html><body><video id="v" autoplay playsinline width="640" height="360"></video>
                <script>window.report = { errors: [], fatal: false };</script></body></html>""";
        String start = """
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
                  const told = setInterval(() => {
                    if (v.currentTime > 0.5) { clearInterval(told); fetch('%s', { mode: 'no-cors' }).catch(() => {}); }
                  }, 50);
                  return true;
                })()""".formatted(url, signalUrl);
        String sample = "(() => { const v = document.getElementById('v'); return [performance.now() / 1000, v.currentTime, "
                + "v.paused, v.webkitAudioDecodedByteCount || 0, report.errors.length]; })()";
        BrowserDriver.Visit visitSpec = BrowserDriver.visit()
                .content(page, "hls.js/dist/hls.min.js")
                .eval("started", start)
                .waitFor("document.getElementById('v').currentTime > 0.5", Duration.ofSeconds(45))
                .sample("samples", sample, Duration.ofMillis(100), watch)
                .eval("errors", "report.errors")
                .eval("fatal", "report.fatal");
        Duration timeout = watch.plusSeconds(90);
        visit = CompletableFuture.supplyAsync(() -> {
            try {
                BrowserDriver.Result result = visitSpec.run(workDir, timeout);
                List<Sample> samples = new ArrayList<>();
                for (JsonNode s : result.value("samples")) {
                    samples.add(new Sample(s.get(0).asDouble(), s.get(1).asDouble(), s.get(2).asBoolean(),
                            s.get(3).asLong(), s.get(4).asInt()));
                }
                List<String> errors = new ArrayList<>();
                result.value("errors").forEach(e -> errors.add(e.asText()));
                if (!result.ok() || samples.isEmpty()) {
                    throw new AssertionError("the viewer did not play: " + result.diagnostics());
                }
                return new Watched(samples, errors, result.value("fatal").asBoolean(), result.diagnostics());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** Waits until the viewer's picture moves; fails if it does not within {@code seconds}. */
    void awaitPlaying(int seconds) throws Exception {
        if (!playing.await(seconds, TimeUnit.SECONDS)) {
            if (visit.isDone()) {
                visit.join();
            }
            throw new AssertionError("the viewer did not start playing within " + seconds + " s");
        }
    }

    Watched watched() throws Exception {
        return visit.get(5, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        signal.stop(0);
    }
}
