package dev.glasscast.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used. The message is meant for the operator: one line per
 * {@link ConfigProblem}, each naming the key path, what is wrong, what is allowed and where it
 * was written.
 */
public final class ConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public ConfigException(String message) {
        super(message);
        this.problems = List.of(new ConfigProblem("", message, null));
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(new ConfigProblem("", message, null));
    }

    /** @param problems at least one */
    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::oneLine).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Everything found wrong, in document order as far as the checks allow. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
