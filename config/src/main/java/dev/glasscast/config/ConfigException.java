package dev.glasscast.config;

/** A configuration that cannot be used; the message is meant for the operator, one line. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
