package dev.glasscast.config;

/**
 * One thing wrong with a configuration, phrased for the operator.
 *
 * @param path     the key path, e.g. {@code ladder[2].height}; empty for the whole document
 * @param message  what is wrong and what is allowed, e.g. {@code 1081 is odd; use an even number}
 * @param location where the offending value was written, or null if nowhere in particular
 */
public record ConfigProblem(String path, String message, ConfigLocation location) {

    /** One line: {@code ladder[2].height: 1081 is odd; use an even number (line 14, column 13)}. */
    public String oneLine() {
        StringBuilder line = new StringBuilder();
        if (!path.isEmpty()) {
            line.append(path).append(": ");
        }
        line.append(message);
        if (location != null) {
            line.append(" (").append(location.describe()).append(')');
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return oneLine();
    }
}
