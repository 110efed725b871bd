package dev.glasscast.config;

/**
 * Where a configuration value came from, so an error can point the operator at it.
 *
 * @param origin   which layer set the value
 * @param line     1-based line in the YAML text, or 0 when the origin has no lines
 * @param column   1-based column in the YAML text, or 0 when the origin has no lines
 * @param variable the environment variable's name for {@link Origin#ENVIRONMENT}, else null
 */
public record ConfigLocation(Origin origin, int line, int column, String variable) {

    /** The three layers of {@link ConfigLoader}, in the order they apply. */
    public enum Origin {
        DEFAULTS,
        FILE,
        ENVIRONMENT
    }

    public static ConfigLocation inFile(int line, int column) {
        return new ConfigLocation(Origin.FILE, line, column, null);
    }

    public static ConfigLocation inDefaults(int line, int column) {
        return new ConfigLocation(Origin.DEFAULTS, line, column, null);
    }

    public static ConfigLocation inEnvironment(String variable) {
        return new ConfigLocation(Origin.ENVIRONMENT, 0, 0, variable);
    }

    /** The text that ends an error message, e.g. {@code line 14, column 13}. */
    public String describe() {
        return switch (origin) {
            case FILE -> "line " + line + ", column " + column;
            case DEFAULTS -> "embedded defaults, line " + line + ", column " + column;
            case ENVIRONMENT -> "environment variable " + variable;
        };
    }
}
