package dev.glasscast.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scripted visit in Debian's headless Chromium through {@code browser-tests/drive.mjs}
 * (playwright-core, with the real players from npm: hls.js, Shaka Player, dash.js) and returns
 * what the page reported. Build a visit with {@link #visit()} and its step methods.
 *
 * <p>Every page gets the playback probe ({@code browser-tests/probe.js}). A test that plays media
 * starts it with {@link Visit#probe}, waits for the clock to move with {@link Visit#awaitPlayback},
 * lets it play with {@link Visit#watchFor}, closes a window with {@link Visit#probeReport} and
 * holds {@link Result#playback} to {@link PlaybackBounds}; {@link PlaybackReport} shows the whole
 * sequence.
 */
public final class BrowserDriver {

    /** {@code browser-tests/} at the repository root; tests run with the module as working directory. */
    public static final Path BROWSER_TESTS = Path.of("..", "browser-tests").toAbsolutePath().normalize();

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserDriver() {
    }

    /** A visit under construction; see drive.mjs for what each step does. */
    public static final class Visit {
        private final ObjectNode spec = JSON.createObjectNode();
        private final ArrayNode steps = spec.putArray("steps");

        public Visit viewport(int width, int height) {
            spec.putObject("viewport").put("width", width).put("height", height);
            return this;
        }

        public Visit goTo(String url) {
            steps.addObject().put("goto", url);
            return this;
        }

        /** Opens inline HTML and adds scripts resolved from node_modules, e.g. {@code hls.js/dist/hls.min.js}. */
        public Visit content(String html, String... scripts) {
            ObjectNode step = steps.addObject().put("content", html);
            ArrayNode list = step.putArray("scripts");
            List.of(scripts).forEach(list::add);
            return this;
        }

        /**
         * Lets the page run for {@code millis}. Not for waiting on something to happen (use
         * {@link #waitFor}); for a picture settling before a screenshot, or a stretch of playback.
         */
        public Visit waitMillis(long millis) {
            steps.addObject().put("wait", millis);
            return this;
        }

        /**
         * Starts the playback probe on the {@code <video>} that {@code videoExpression} names,
         * played by the hls.js, Shaka Player or dash.js instance {@code playerExpression} names
         * ({@code "null"} for none). Both are evaluated again at every sample, so they may name
         * something the page creates later.
         */
        public Visit probe(String videoExpression, String playerExpression) {
            steps.addObject().putObject("probe").put("video", videoExpression).put("player", playerExpression);
            return this;
        }

        /** Waits until the probed video's clock moves, which opens the probe's first window. */
        public Visit awaitPlayback(Duration timeout) {
            return waitFor("glasscastProbe.playing()", timeout);
        }

        /** Lets the probed video play for {@code duration}: the stretch the probe measures. */
        public Visit watchFor(Duration duration) {
            return waitMillis(duration.toMillis());
        }

        /** Records the probe's report since playback started or since the previous report as {@code name}. */
        public Visit probeReport(String name) {
            steps.addObject().put("probeReport", name);
            return this;
        }

        public Visit waitFor(String expression, Duration timeout) {
            steps.addObject().put("waitFor", expression).put("timeout", timeout.toMillis());
            return this;
        }

        public Visit eval(String name, String expression) {
            steps.addObject().put("eval", expression).put("as", name);
            return this;
        }

        public Visit sample(String name, String expression, Duration every, Duration during) {
            steps.addObject().put("sample", expression).put("every", every.toMillis()).put("for", during.toMillis()).put("as", name);
            return this;
        }

        public Visit click(String selector) {
            steps.addObject().put("click", selector);
            return this;
        }

        public Visit screenshot(Path file) {
            steps.addObject().put("screenshot", file.toAbsolutePath().toString());
            return this;
        }

        /** Runs the visit; fails the test with the browser's console if the script failed. */
        public Result run(Path workDir, Duration timeout) throws Exception {
            return start(workDir).finish(timeout);
        }

        /** Starts the visit, for a test that acts while it runs ({@link Running#awaitStep}). */
        public Running start(Path workDir) throws Exception {
            Path specFile = Files.createTempFile(workDir, "visit", ".json");
            Files.writeString(specFile, JSON.writeValueAsString(spec));
            Path out = Files.createTempFile(workDir, "visit", ".out.json");
            Path err = Files.createTempFile(workDir, "visit", ".err");
            Process node = new ProcessBuilder("node", BROWSER_TESTS.resolve("drive.mjs").toString(), specFile.toString())
                    .directory(BROWSER_TESTS.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new Running(node, out, err);
        }
    }

    /** A visit under way; closing it ends the browser if the visit is still running. */
    public static final class Running implements AutoCloseable {
        private final Process node;
        private final Path out;
        private final Path err;

        private Running(Process node, Path out, Path err) {
            this.node = node;
            this.out = out;
            this.err = err;
        }

        /** Waits until the visit has evaluated its step recorded as {@code name}. */
        public void awaitStep(String name, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.readString(err).lines().anyMatch(("reached " + name)::equals)) {
                if (!node.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the browser visit did not reach '" + name + "' within " + timeout
                            + (node.isAlive() ? "" : " (it ended)") + ": " + Files.readString(err));
                }
                Thread.sleep(50);
            }
        }

        /** Waits for the visit to end; fails the test with the browser's console if the script failed to run. */
        public Result finish(Duration timeout) throws Exception {
            if (!node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("browser visit timed out after " + timeout + ": " + Files.readString(err));
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (output.isBlank()) {
                throw new AssertionError("browser driver printed nothing (is `npm ci` done in browser-tests/ "
                        + "and chromium installed?): " + Files.readString(err));
            }
            return new Result(JSON.readTree(output));
        }

        @Override
        public void close() {
            if (node.isAlive()) {
                node.destroyForcibly();
            }
        }
    }

    /** What a visit saw. */
    public record Result(JsonNode json) {
        public boolean ok() {
            return json.path("ok").asBoolean();
        }

        public JsonNode value(String name) {
            return json.path("values").path(name);
        }

        /** The playback probe's report recorded as {@code name} by {@link Visit#probeReport}. */
        public PlaybackReport playback(String name) {
            if (!ok()) {
                throw new AssertionError("the browser visit failed before its end: " + diagnostics());
            }
            return PlaybackReport.from(json.path("values").get(name));
        }

        /** Console lines and page errors, for assertion messages. */
        public String diagnostics() {
            return "error: " + json.path("error").asText("") + "\nconsole: " + json.path("console") + "\npage errors: " + json.path("pageErrors");
        }
    }

    public static Visit visit() {
        return new Visit();
    }
}
