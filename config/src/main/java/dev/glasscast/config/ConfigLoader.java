package dev.glasscast.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Loads the configuration in three layers: the embedded defaults
 * ({@code dev/glasscast/config/defaults.yaml}), then the operator's YAML file if any, then
 * environment variables named {@code GLASSCAST_<PATH>} where the path's levels are separated by
 * a double underscore and list items are numbered from 0, e.g.
 * {@code GLASSCAST_SERVER__HTTP_PORT=8081} or {@code GLASSCAST_INGEST__STREAMS__0__KEY=s3cret}.
 *
 * <p>A mapping in a later layer merges key by key into the earlier one; a list or a single value
 * replaces it. Items of {@code ladder} may leave out keys: they take the values of
 * {@code dev/glasscast/config/rung-defaults.yaml}.
 *
 * <p>The merged result is checked in full before it is returned: every problem found (unknown
 * key, wrong type, value out of range...) is reported in one {@link ConfigException}, one line
 * each, with the line and column where the operator wrote the value.
 *
 * <p>Thread-safe; instances hold no state beyond their Jackson mapper.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "GLASSCAST_";
    /**
     * Variables under {@link #ENV_PREFIX} that are not config keys: the launcher's own settings.
     * They are ignored rather than rejected as unknown keys.
     */
    public static final List<String> NON_CONFIG_VARIABLES = List.of("GLASSCAST_CONFIG", "GLASSCAST_JAVA_OPTS", "GLASSCAST_HOME");
    /** Larger than any real config by two orders of magnitude; keeps a wrong path from reading a disk image. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final String DEFAULTS = "defaults.yaml";
    private static final String RUNG_DEFAULTS = "rung-defaults.yaml";
    /** The value of {@code ladder} that lets GlassCast choose the rungs. */
    public static final String AUTO_LADDER = "auto";

    private final ObjectMapper yaml;
    private final YAMLFactory yamlFactory;

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
        yamlFactory = new YAMLFactory();
        yaml = new ObjectMapper(yamlFactory)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .registerModule(durations);
    }

    /** The embedded defaults alone. */
    public GlassCastConfig defaults() {
        try {
            return loadText(null, Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded defaults are invalid: " + e.getMessage(), e);
        }
    }

    /**
     * Defaults, then {@code file} (if not null), then the environment; validated.
     *
     * @param file        the operator's YAML file, or null for none
     * @param environment usually {@code System.getenv()}; only {@code GLASSCAST_*} entries are used
     * @throws ConfigException listing every problem, one line each
     */
    public GlassCastConfig load(Path file, Map<String, String> environment) throws ConfigException {
        byte[] text = null;
        if (file != null) {
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new ConfigException(file + " is larger than " + MAX_FILE_BYTES + " bytes; is it the right file?");
                }
                text = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new ConfigException(file + " does not exist", e);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return loadText(text == null ? null : new String(text, java.nio.charset.StandardCharsets.UTF_8), environment);
    }

    /** As {@link #load(Path, Map)}, with the operator's YAML given as text (null for none). */
    public GlassCastConfig loadText(String operatorYaml, Map<String, String> environment) throws ConfigException {
        ConfigLocations where = new ConfigLocations();
        LocatedTree defaults = readResource(DEFAULTS);
        ObjectNode tree = (ObjectNode) defaults.root();
        // The default ladder is `auto`: expanded now, so the environment can address its rungs.
        expandAutoLadder(tree);
        where.addAll(defaults);
        List<ConfigProblem> problems = new ArrayList<>();
        if (operatorYaml != null) {
            LocatedTree operator = LocatedTree.parse(yamlFactory, new ByteArrayInputStream(operatorYaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    at -> ConfigLocation.inFile(at.getLineNr(), at.getColumnNr()));
            problems.addAll(operator.problems());
            JsonNode overlay = operator.root();
            if (overlay instanceof ObjectNode overlayObject) {
                merge(tree, overlayObject, "", where);
                where.addAll(operator);
            } else if (!overlay.isNull()) {
                throw new ConfigException(List.of(new ConfigProblem("", "the top level must be a mapping of keys, such as 'server:'",
                        ConfigLocation.inFile(1, 1))));
            }
        }
        applyEnvironment(tree, environment, where);
        expandAutoLadder(tree);

        Map<Class<?>, ObjectNode> itemDefaults = Map.of(
                RungConfig.class, (ObjectNode) readResource(RUNG_DEFAULTS).root(),
                StreamConfig.class, streamDefaults(),
                RestreamConfig.class, yaml.createObjectNode().put("send", RestreamConfig.SOURCE).putNull("ca_file"));
        problems.addAll(new ConfigShape(itemDefaults, where).check(GlassCastConfig.class, tree));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        GlassCastConfig config = bind(tree, where);
        problems.addAll(new ConfigValidator(where::ofValue).validate(config));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private ObjectNode streamDefaults() {
        ObjectNode stream = yaml.createObjectNode().putNull("key").put("playback", StreamConfig.PUBLIC);
        stream.putArray("restream");
        return stream;
    }

    /**
     * {@code ladder: auto} is the passthrough rung plus an {@code auto} rung, which stands for the
     * rungs the transcoder chooses when a source arrives (see {@link RungConfig#isAuto()}). Any
     * other text is left for the shape check to report.
     */
    private void expandAutoLadder(ObjectNode tree) {
        JsonNode ladder = tree.get("ladder");
        if (ladder != null && ladder.isTextual() && AUTO_LADDER.equals(ladder.asText())) {
            ArrayNode rungs = yaml.createArrayNode();
            rungs.addObject().put("name", "source").put("codec", "copy");
            rungs.addObject().put("name", AUTO_LADDER).put("codec", AUTO_LADDER);
            tree.set("ladder", rungs);
        }
    }

    private GlassCastConfig bind(ObjectNode tree, ConfigLocations where) throws ConfigException {
        try {
            return yaml.treeToValue(tree, GlassCastConfig.class);
        } catch (JsonMappingException e) {
            // ConfigShape should have caught everything; this is the safety net, still located.
            String path = pathOf(e.getPath());
            throw new ConfigException(List.of(new ConfigProblem(path, e.getOriginalMessage(), where.ofValue(path))));
        } catch (JsonProcessingException e) {
            throw new ConfigException(e.getOriginalMessage(), e);
        }
    }

    private static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private LocatedTree readResource(String name) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Function<JsonLocation, ConfigLocation> locate = at -> ConfigLocation.inDefaults(at.getLineNr(), at.getColumnNr());
            return LocatedTree.parse(yamlFactory, in, locate);
        } catch (IOException | ConfigException e) {
            throw new IllegalStateException("cannot read the embedded " + name + ": " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode overlay, String path, ConfigLocations where) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            String childPath = ConfigLocations.child(path, field.getKey());
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overlayObject) {
                merge(existingObject, overlayObject, childPath, where);
            } else {
                where.forget(childPath);
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    private void applyEnvironment(ObjectNode tree, Map<String, String> environment, ConfigLocations where)
            throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        // Sorted, so that errors come out in the same order on every start.
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX) || NON_CONFIG_VARIABLES.contains(name)) {
                continue;
            }
            String[] steps = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
            JsonNode node = tree;
            String path = "";
            for (int i = 0; i < steps.length; i++) {
                boolean last = i == steps.length - 1;
                String step = steps[i];
                if (node instanceof ArrayNode array) {
                    int index = parseIndex(step);
                    if (index < 0 || index > array.size()) {
                        problems.add(new ConfigProblem(path, "has " + array.size() + " items; '" + step
                                + "' is not the number of one (counting from 0)", ConfigLocation.inEnvironment(name)));
                        break;
                    }
                    path = path + "[" + index + "]";
                    if (index == array.size()) {
                        // One past the end adds an item, so a container can add a stream without a file.
                        array.addObject();
                    }
                    if (last) {
                        array.set(index, parseScalar(variable.getValue()));
                        where.forget(path);
                        where.put(path, ConfigLocation.inEnvironment(name));
                    } else {
                        node = array.get(index);
                    }
                } else if (node instanceof ObjectNode object) {
                    path = ConfigLocations.child(path, step);
                    if (last) {
                        object.set(step, parseScalar(variable.getValue()));
                        where.forget(path);
                        where.put(path, ConfigLocation.inEnvironment(name));
                    } else {
                        JsonNode child = object.get(step);
                        if (!(child instanceof ObjectNode) && !(child instanceof ArrayNode)) {
                            child = object.putObject(step);
                            where.put(path, ConfigLocation.inEnvironment(name));
                        }
                        node = child;
                    }
                } else {
                    problems.add(new ConfigProblem(path, "is a single value; it has no key '" + step + "'",
                            ConfigLocation.inEnvironment(name)));
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static int parseIndex(String step) {
        try {
            return step.length() <= 4 ? Integer.parseInt(step) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private JsonNode parseScalar(String text) {
        try {
            JsonNode parsed = yaml.readTree(text);
            return parsed == null || parsed.isMissingNode() || parsed.isContainerNode() ? TextNode.valueOf(text) : parsed;
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }
}
