package dev.glasscast.ingest.amf0;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA array: an associative array with a count hint, which is how encoders send
 * {@code onMetaData}. Kept apart from a plain object ({@code Map}) so a value re-encodes with the
 * marker it arrived with.
 *
 * @param entries the properties in wire order; unmodifiable
 */
public record Amf0EcmaArray(Map<String, Object> entries) {

    public Amf0EcmaArray {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
}
