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

        public Visit waitMillis(long millis) {
            steps.addObject().put("wait", millis);
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
            Path specFile = Files.createTempFile(workDir, "visit", ".json");
            Files.writeString(specFile, JSON.writeValueAsString(spec));
            Path out = Files.createTempFile(workDir, "visit", ".out.json");
            Path err = Files.createTempFile(workDir, "visit", ".err");
            Process node = new ProcessBuilder("node", BROWSER_TESTS.resolve("drive.mjs").toString(), specFile.toString())
                    .directory(BROWSER_TESTS.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
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
    }

    /** What a visit saw. */
    public record Result(JsonNode json) {
        public boolean ok() {
            return json.path("ok").asBoolean();
        }

        public JsonNode value(String name) {
            return json.path("values").path(name);
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
