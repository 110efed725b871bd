package dev.glasscast.ingest.sdp;

/**
 * An {@code a=} line not modelled by a field: {@code a=<name>} or {@code a=<name>:<value>}.
 *
 * @param value the text after the first colon as written, or null for a property attribute
 */
public record SdpAttribute(String name, String value) {

    static SdpAttribute parse(String text) {
        int colon = text.indexOf(':');
        return colon < 0 ? new SdpAttribute(text, null) : new SdpAttribute(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The text after {@code a=}. */
    String line() {
        return value == null ? name : name + ":" + value;
    }
}
