package dev.glasscast.ingest.amf0;

/**
 * An AMF0 date.
 *
 * @param epochMillis milliseconds since 1970-01-01T00:00Z, as the wire's DOUBLE
 * @param timeZone    the reserved time-zone field; the spec says senders write 0 and readers ignore it
 */
public record Amf0Date(double epochMillis, short timeZone) {
}
