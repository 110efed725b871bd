package dev.glasscast.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the configuration in three layers: the embedded defaults
 * ({@code dev/glasscast/config/defaults.yaml}), then the operator's YAML file if any, then
 * environment variables named {@code GLASSCAST_<PATH>} where the path's levels are separated by
 * a double underscore, e.g. {@code GLASSCAST_SERVER__HTTP_PORT=8081}.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "GLASSCAST_";
    private static final String DEFAULTS = "defaults.yaml";

    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule durations = new SimpleModule("glasscast-durations");
        durations.addDeserializer(Duration.class, new StdDeserializer<>(Duration.class) {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                try {
                    return DurationText.parse(p.getValueAsString(""));
                } catch (IllegalArgumentException e) {
                    throw MismatchedInputException.from(p, Duration.class, e.getMessage());
                }
            }
        });
        yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .registerModule(durations);
    }

    /** The embedded defaults alone. */
    public GlassCastConfig defaults() {
        try {
            return toConfig(defaultsTree(), "embedded defaults");
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded defaults are invalid: " + e.getMessage(), e);
        }
    }

    /** Defaults, then {@code file} (if not null), then the environment. */
    public GlassCastConfig load(Path file, Map<String, String> environment) throws ConfigException {
        ObjectNode tree = defaultsTree();
        String origin = "embedded defaults";
        if (file != null) {
            origin = file.toString();
            try (InputStream in = Files.newInputStream(file)) {
                JsonNode overlay = yaml.readTree(in);
                if (overlay != null && !overlay.isMissingNode() && !overlay.isNull()) {
                    if (!overlay.isObject()) {
                        throw new ConfigException(file + ": the top level must be a mapping of keys");
                    }
                    merge(tree, (ObjectNode) overlay);
                }
            } catch (IOException e) {
                throw new ConfigException(file + ": " + e.getMessage(), e);
            }
        }
        applyEnvironment(tree, environment);
        return toConfig(tree, origin);
    }

    private GlassCastConfig toConfig(ObjectNode tree, String origin) throws ConfigException {
        try {
            return yaml.treeToValue(tree, GlassCastConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": " + e.getOriginalMessage(), e);
        }
    }

    private ObjectNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS);
            }
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overlayObject) {
                merge(existingObject, overlayObject);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    private void applyEnvironment(ObjectNode tree, Map<String, String> environment) {
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (!variable.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String[] path = variable.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
            ObjectNode node = tree;
            for (int i = 0; i < path.length - 1; i++) {
                node = node.get(path[i]) instanceof ObjectNode child ? child : node.putObject(path[i]);
            }
            node.set(path[path.length - 1], parseScalar(variable.getValue()));
        }
    }

    private JsonNode parseScalar(String text) {
        try {
            JsonNode parsed = yaml.readTree(text);
            return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(text) : parsed;
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }
}
