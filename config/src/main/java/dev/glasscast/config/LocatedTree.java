package dev.glasscast.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A YAML document read into a Jackson tree while remembering where every key and value was
 * written, so validation (which runs on the tree and on the bound records, long after parsing)
 * can still say "line 14, column 13".
 *
 * <p>Paths are written as the operator reads them: {@code ladder[2].height}; the document's root
 * is the empty path. A key that appears twice in one mapping is reported as a problem rather
 * than silently keeping the last one, since that is almost always a copy-and-paste slip.
 */
final class LocatedTree {

    /** Nesting beyond this is not a GlassCast config; the bound keeps a hostile file from recursing deeply. */
    static final int MAX_DEPTH = 32;

    private final JsonNode root;
    private final Map<String, ConfigLocation> valueLocations;
    private final Map<String, ConfigLocation> keyLocations;
    private final List<ConfigProblem> problems;

    private LocatedTree(JsonNode root, Map<String, ConfigLocation> valueLocations,
                        Map<String, ConfigLocation> keyLocations, List<ConfigProblem> problems) {
        this.root = root;
        this.valueLocations = valueLocations;
        this.keyLocations = keyLocations;
        this.problems = problems;
    }

    /**
     * Reads one YAML document.
     *
     * @param factory  a YAML factory
     * @param in       the text; not closed here
     * @param locate   turns a parser location into a {@link ConfigLocation} of the right origin
     * @throws ConfigException if the text is not well-formed YAML
     */
    static LocatedTree parse(JsonFactory factory, InputStream in, Function<JsonLocation, ConfigLocation> locate)
            throws ConfigException {
        try (JsonParser parser = factory.createParser(in)) {
            Map<String, ConfigLocation> values = new HashMap<>();
            Map<String, ConfigLocation> keys = new HashMap<>();
            List<ConfigProblem> problems = new ArrayList<>();
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new LocatedTree(JsonNodeFactory.instance.objectNode(), values, keys, problems);
            }
            JsonNode root = readValue(parser, "", 0, locate, values, keys, problems);
            return new LocatedTree(root, values, keys, problems);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            // SnakeYAML's message quotes the offending text with a caret on separate lines; keep the
            // sentences, drop the drawing, so the error stays on one line.
            String what = e.getOriginalMessage().lines()
                    .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                    .collect(java.util.stream.Collectors.joining("; "));
            if (what.isEmpty()) {
                what = "malformed YAML";
            }
            throw new ConfigException(List.of(new ConfigProblem("", "not valid YAML: " + what,
                    where == null ? null : locate.apply(where))));
        } catch (IOException e) {
            throw new ConfigException("cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode readValue(JsonParser parser, String path, int depth,
                                      Function<JsonLocation, ConfigLocation> locate,
                                      Map<String, ConfigLocation> values, Map<String, ConfigLocation> keys,
                                      List<ConfigProblem> problems) throws IOException, ConfigException {
        ConfigLocation here = locate.apply(parser.currentTokenLocation());
        values.put(path, here);
        if (depth > MAX_DEPTH) {
            throw new ConfigException(List.of(new ConfigProblem(path, "nested more than " + MAX_DEPTH + " levels deep", here)));
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    ConfigLocation keyLocation = locate.apply(parser.currentTokenLocation());
                    parser.nextToken();
                    if (object.has(key)) {
                        problems.add(new ConfigProblem(childPath, "written twice in the same section; keep one", keyLocation));
                    }
                    keys.put(childPath, keyLocation);
                    object.set(key, readValue(parser, childPath, depth + 1, locate, values, keys, problems));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser, path + "[" + index + "]", depth + 1, locate, values, keys, problems));
                    index++;
                }
                return array;
            }
            case VALUE_STRING -> {
                return nodes.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> nodes.numberNode(parser.getIntValue());
                    case LONG -> nodes.numberNode(parser.getLongValue());
                    default -> nodes.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return nodes.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> {
                return nodes.textNode(parser.getText());
            }
        }
    }

    JsonNode root() {
        return root;
    }

    /** Where the value at {@code path} was written, keyed by path. */
    Map<String, ConfigLocation> valueLocations() {
        return valueLocations;
    }

    /** Where the key ending {@code path} was written, keyed by path. */
    Map<String, ConfigLocation> keyLocations() {
        return keyLocations;
    }

    /** Problems the reading itself found, such as a key written twice. */
    List<ConfigProblem> problems() {
        return problems;
    }
}
