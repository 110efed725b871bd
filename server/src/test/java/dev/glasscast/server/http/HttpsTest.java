package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.TlsConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate configured, HTTPS serves HTTP/2 to clients that offer it by ALPN, HTTP/1.1 to the rest. */
class HttpsTest {

    @TempDir
    Path dir;

    @Test
    void alpnNegotiatesHttp2OrHttp11OverTls() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost"));
        GlassCastConfig config = TestDaemon.config(dir, "tls-key");
        config = config.withServer(config.server().withTls(new TlsConfig(true, 0, cert.toString(), key.toString())));
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            String url = "https://127.0.0.1:" + server.httpsPort() + "/watch/main";
            assertEquals("2 200", run(List.of("curl", "-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", url)));
            assertEquals("1.1 200", run(List.of("curl", "-sk", "--http1.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", url)));
            String page = run(List.of("curl", "-sk", "--http2", url));
            assertTrue(page.contains("/live/main/index.m3u8"), page);
        }
    }

    private String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), command + ": " + Files.readString(dir.resolve("stderr.txt")));
        return new String(out, StandardCharsets.UTF_8).trim();
    }
}
