package dev.glasscast.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and value of the merged configuration tree was written, across the layers of
 * {@link ConfigLoader}: a later layer that replaces a value (or a whole list) also replaces the
 * locations beneath it. Values nobody wrote (filled in from defaults) are located at their
 * nearest written ancestor, which is where the operator would add them.
 */
final class ConfigLocations {

    private final Map<String, ConfigLocation> values = new HashMap<>();
    private final Map<String, ConfigLocation> keys = new HashMap<>();

    void addAll(LocatedTree tree) {
        values.putAll(tree.valueLocations());
        keys.putAll(tree.keyLocations());
    }

    void put(String path, ConfigLocation location) {
        values.put(path, location);
        keys.put(path, location);
    }

    /** Forgets {@code path} and everything beneath it, because a later layer replaced it. */
    void forget(String path) {
        values.keySet().removeIf(p -> isWithin(p, path));
        keys.keySet().removeIf(p -> isWithin(p, path));
    }

    /** Where the value at {@code path} (or its nearest written ancestor) was written. */
    ConfigLocation ofValue(String path) {
        for (String p = path; ; p = parent(p)) {
            ConfigLocation location = values.get(p);
            if (location != null || p.isEmpty()) {
                return location;
            }
        }
    }

    /** Where the key ending {@code path} was written; falls back to {@link #ofValue}. */
    ConfigLocation ofKey(String path) {
        ConfigLocation location = keys.get(path);
        return location != null ? location : ofValue(path);
    }

    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean isWithin(String candidate, String path) {
        return path.isEmpty() || candidate.equals(path) || candidate.startsWith(path + ".") || candidate.startsWith(path + "[");
    }
}
