package dev.glasscast.ingest.amf0;

/** The AMF0 {@code undefined} value; AMF0 {@code null} is Java {@code null}. */
public enum Amf0Undefined {
    UNDEFINED
}
