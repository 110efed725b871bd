package dev.glasscast.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the merged tree against the shape of the config records before Jackson binds it:
 * unknown keys (with the closest known key suggested), values of the wrong type, missing
 * required keys of list items. Jackson would catch most of these too, but with messages written
 * for programmers and without the operator's line numbers.
 *
 * <p>It also normalises the tree in place so binding cannot fail afterwards: bitrates written as
 * {@code 2500k} become numbers, scalars given for text keys become text (YAML reads
 * {@code level: 4.1} as a number), and keys missing from list items are filled in from
 * {@code itemDefaults}.
 */
final class ConfigShape {

    /** Keys holding bits per second, which accept {@link BitrateText} forms. */
    static final Set<String> BITRATE_KEYS = Set.of("video_bitrate", "maxrate", "bufsize", "audio_bitrate", "bitrate");

    private final Map<Class<?>, ObjectNode> itemDefaults;
    private final ConfigLocations where;
    private final List<ConfigProblem> problems = new ArrayList<>();

    /**
     * @param itemDefaults per record type used as a list item, the values of keys an item may
     *                     leave out; keys absent here are required
     * @param where        locations of the tree's keys and values
     */
    ConfigShape(Map<Class<?>, ObjectNode> itemDefaults, ConfigLocations where) {
        this.itemDefaults = itemDefaults;
        this.where = where;
    }

    List<ConfigProblem> check(Class<? extends Record> rootType, ObjectNode root) {
        checkRecord(rootType, root, "", false);
        return problems;
    }

    private void checkRecord(Class<?> type, JsonNode node, String path, boolean listItem) {
        if (!(node instanceof ObjectNode object)) {
            problem(path, describe(node) + " is not a section of keys; expected keys such as " + keyList(type, 4));
            return;
        }
        Map<String, RecordComponent> components = components(type);
        Iterator<String> names = object.fieldNames();
        List<String> unknown = new ArrayList<>();
        while (names.hasNext()) {
            String name = names.next();
            if (!components.containsKey(name)) {
                unknown.add(name);
            }
        }
        for (String name : unknown) {
            String childPath = ConfigLocations.child(path, name);
            String suggestion = closest(name, components.keySet());
            problems.add(new ConfigProblem(childPath, "unknown key"
                    + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
                    + " Allowed here: " + keyList(type, Integer.MAX_VALUE), where.ofKey(childPath)));
            object.remove(name);
        }
        ObjectNode defaults = listItem ? itemDefaults.get(type) : null;
        for (Map.Entry<String, RecordComponent> entry : components.entrySet()) {
            String name = entry.getKey();
            String childPath = ConfigLocations.child(path, name);
            JsonNode child = object.get(name);
            if (child == null) {
                if (defaults != null && defaults.has(name)) {
                    object.set(name, defaults.get(name).deepCopy());
                } else {
                    problem(childPath, "is missing; every item here needs it");
                }
                continue;
            }
            checkValue(entry.getValue().getGenericType(), name, child, object, childPath);
        }
    }

    private void checkValue(Type type, String name, JsonNode value, ObjectNode parent, String path) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            if (!(value instanceof ArrayNode array)) {
                problem(path, describe(value) + " is not a list; write one item per line starting with '- '");
                return;
            }
            Class<?> itemType = (Class<?>) list.getActualTypeArguments()[0];
            for (int i = 0; i < array.size(); i++) {
                checkRecord(itemType, array.get(i), path + "[" + i + "]", true);
            }
            return;
        }
        Class<?> raw = (Class<?>) type;
        if (raw.isRecord()) {
            checkRecord(raw, value, path, false);
        } else if (raw == String.class) {
            if (value.isContainerNode()) {
                problem(path, "is a " + (value.isArray() ? "list" : "section") + "; expected a single value");
            } else if (!value.isNull() && !value.isTextual()) {
                parent.put(name, value.asText());
            }
        } else if (value.isNull()) {
            problem(path, "has no value; write " + expectation(raw, name));
        } else if (raw == boolean.class) {
            if (!value.isBoolean()) {
                problem(path, describe(value) + " is not true or false");
            }
        } else if (raw == int.class) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                problem(path, describe(value) + " is not " + expectation(raw, name));
            }
        } else if (raw == long.class) {
            if (BITRATE_KEYS.contains(name) && value.isTextual()) {
                try {
                    parent.put(name, BitrateText.parse(value.asText()));
                } catch (IllegalArgumentException e) {
                    problem(path, e.getMessage());
                }
            } else if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                problem(path, describe(value) + " is not " + expectation(raw, name));
            }
        } else if (raw == double.class) {
            if (!value.isNumber()) {
                problem(path, describe(value) + " is not " + expectation(raw, name));
            }
        } else if (raw == Duration.class) {
            if (!value.isTextual()) {
                problem(path, describe(value) + " is not a duration; write it with a unit, e.g. 500ms, 2s, 10m or 2h");
            } else {
                try {
                    DurationText.parse(value.asText());
                } catch (IllegalArgumentException e) {
                    problem(path, e.getMessage());
                }
            }
        } else if (raw == Path.class) {
            if (!value.isTextual()) {
                parent.put(name, value.asText());
            }
        } else {
            throw new IllegalStateException("no shape check for " + raw + " at " + path);
        }
    }

    private static String expectation(Class<?> raw, String name) {
        if (raw == long.class && BITRATE_KEYS.contains(name)) {
            return "a bitrate, e.g. 2500k, 2.5M or 2500000";
        }
        if (raw == int.class || raw == long.class) {
            return "a whole number";
        }
        if (raw == double.class) {
            return "a number";
        }
        if (raw == boolean.class) {
            return "true or false";
        }
        return "a " + raw.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message, where.ofValue(path)));
    }

    /** The value as the operator wrote it, quoted if text. */
    static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "an empty value";
        }
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a section";
        }
        return value.asText();
    }

    /** Record components by their snake_case YAML key, in declaration order. */
    static Map<String, RecordComponent> components(Class<?> type) {
        Map<String, RecordComponent> byKey = new java.util.LinkedHashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            byKey.put(snakeCase(component.getName()), component);
        }
        return byKey;
    }

    static String snakeCase(String camel) {
        StringBuilder snake = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                snake.append('_').append(Character.toLowerCase(c));
            } else {
                snake.append(c);
            }
        }
        return snake.toString();
    }

    private static String keyList(Class<?> type, int limit) {
        return components(type).keySet().stream().limit(limit).collect(Collectors.joining(", "));
    }

    /** The known key nearest to {@code name} by edit distance, if it is plausibly a typo. */
    static String closest(String name, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(name.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // Beyond about a third of the word, a suggestion is a guess that misleads more than it helps.
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }
}
