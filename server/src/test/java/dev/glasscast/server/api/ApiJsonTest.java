package dev.glasscast.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

    @Test
    void configSecretsAreRedactedAndTheRestIsSnakeCase() throws Exception {
        GlassCastConfig config = new ConfigLoader().loadText("""
                server: {admin_token: the-admin-token-1234567, playback_secret: the-playback-secret-0123456789abcdef}
                ingest:
                  srt: {passphrase: a-long-srt-passphrase}
                  streams: [{name: main, key: secret-stream-key}]
                webhooks:
                  events: {url: "https://hooks.example.org/glasscast", secret: the-webhook-signing-secret}
                """, Map.of());
        JsonNode json = new ApiJson().redactedConfig(config);
        String text = json.toString();
        for (String secret : List.of("the-admin-token-1234567", "a-long-srt-passphrase", "secret-stream-key",
                "the-playback-secret-0123456789abcdef", "the-webhook-signing-secret")) {
            assertFalse(text.contains(secret), text);
        }
        assertEquals(ApiJson.REDACTED, json.path("server").path("admin_token").asText());
        assertEquals(ApiJson.REDACTED, json.path("server").path("playback_secret").asText());
        assertEquals(ApiJson.REDACTED, json.path("ingest").path("srt").path("passphrase").asText());
        assertEquals(ApiJson.REDACTED, json.path("ingest").path("streams").path(0).path("key").asText());
        assertEquals(ApiJson.REDACTED, json.path("webhooks").path("events").path("secret").asText());
        assertEquals("https://hooks.example.org/glasscast", json.path("webhooks").path("events").path("url").asText());
        assertEquals("main", json.path("ingest").path("streams").path(0).path("name").asText());
        assertEquals(8080, json.path("server").path("http_port").asInt());
        assertTrue(json.path("packaging").has("segment_duration"), text);
    }

    @Test
    void absentSecretsStayNull() {
        GlassCastConfig defaults = new ConfigLoader().defaults().withIngest(new ConfigLoader().defaults().ingest()
                .withStreams(List.of(new StreamConfig("main", null))));
        JsonNode json = new ApiJson().redactedConfig(defaults);
        assertTrue(json.path("ingest").path("srt").path("passphrase").isNull());
        assertTrue(json.path("ingest").path("streams").path(0).path("key").isNull());
        assertTrue(json.path("server").path("playback_secret").isNull());
        assertTrue(json.path("webhooks").path("events").path("secret").isNull());
    }
}
