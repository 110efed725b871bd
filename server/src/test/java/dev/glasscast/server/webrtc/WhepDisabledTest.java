package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code webrtc.enabled: false}, or when its UDP port is taken (another daemon), there is no
 * WebRTC endpoint: the daemon runs on, and the WHEP paths answer 404 to any method.
 */
class WhepDisabledTest {

    @Test
    void offTheWhepPathsAreNotServed(@TempDir Path dir) throws Exception {
        GlassCastConfig config = TestDaemon.config(dir, "whep-off-key");
        assertNotServed(config.withWebRtc(config.webrtc().withEnabled(false)));
    }

    @Test
    void aTakenPortLeavesTheDaemonRunningWithoutWebRtc(@TempDir Path dir) throws Exception {
        try (DatagramChannel taken = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            GlassCastConfig config = TestDaemon.config(dir, "whep-off-key");
            assertNotServed(config.withWebRtc(config.webrtc().withEnabled(true).withBind("127.0.0.1").withUdpPort(port)));
        }
    }

    private static void assertNotServed(GlassCastConfig config) throws Exception {
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            assertNull(server.webrtc());
            org.junit.jupiter.api.Assertions.assertFalse(dev.glasscast.server.GlassCastMain.banner(server).contains("WebRTC"));
            server.hub().publish(dev.glasscast.media.StreamPath.source("main"));
            HttpClient http = HttpClient.newHttpClient();
            String origin = "http://127.0.0.1:" + server.httpPort();
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whep")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, get.statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whep"))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, post.statusCode());
            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(origin + "/live/main/whep/anysession"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, delete.statusCode());
        }
    }
}
