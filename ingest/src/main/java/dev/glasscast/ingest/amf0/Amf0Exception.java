package dev.glasscast.ingest.amf0;

/** AMF0 input that is malformed, exceeds a limit, or uses a type GlassCast does not read. */
public final class Amf0Exception extends RuntimeException {

    public Amf0Exception(String message) {
        super(message);
    }
}
