package dev.glasscast.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RestreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The API's JSON: reports in camelCase (what JavaScript reads), the config in snake_case (what
 * the YAML file says), times, durations and paths as strings, and the config's secrets replaced
 * by {@value #REDACTED} so that a shared screenshot or a support paste leaks no key.
 */
public final class ApiJson {

    public static final String REDACTED = "[redacted]";

    private final ObjectMapper reports = configure(new ObjectMapper());
    private final ObjectMapper config = configure(new ObjectMapper()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule strings = new SimpleModule("glasscast-strings");
        strings.addSerializer(Duration.class, ToStringSerializer.instance);
        strings.addSerializer(Instant.class, ToStringSerializer.instance);
        strings.addSerializer(Path.class, ToStringSerializer.instance);
        strings.addSerializer(InetSocketAddress.class, ToStringSerializer.instance);
        return mapper.registerModule(strings).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    public byte[] write(Object value) {
        try {
            return reports.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request's JSON body; an {@link IllegalArgumentException} saying what is wrong with one that is not. */
    public JsonNode read(byte[] body) {
        try {
            JsonNode tree = reports.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The running configuration with every stream key, restream destination key (its URL
     * shown redacted), the SRT passphrase, the admin token, the playback secret and the webhook
     * signing secret redacted.
     */
    public JsonNode redactedConfig(GlassCastConfig running) {
        ObjectNode tree = config.valueToTree(running);
        ObjectNode server = (ObjectNode) tree.path("server");
        if (server.has("admin_token")) {
            server.put("admin_token", REDACTED);
        }
        if (server.hasNonNull("playback_secret")) {
            server.put("playback_secret", REDACTED);
        }
        ObjectNode srt = (ObjectNode) tree.path("ingest").path("srt");
        if (srt.hasNonNull("passphrase")) {
            srt.put("passphrase", REDACTED);
        }
        ObjectNode events = (ObjectNode) tree.path("webhooks").path("events");
        if (events.hasNonNull("secret")) {
            events.put("secret", REDACTED);
        }
        if (tree.path("ingest").path("streams") instanceof ArrayNode streams) {
            for (JsonNode stream : streams) {
                if (stream instanceof ObjectNode object && object.hasNonNull("key")) {
                    object.put("key", REDACTED);
                }
                for (JsonNode destination : stream.path("restream")) {
                    if (destination instanceof ObjectNode object && object.hasNonNull("url")) {
                        object.put("url", new RestreamConfig(object.get("url").asText(), null).redactedUrl());
                    }
                }
            }
        }
        return tree;
    }
}
