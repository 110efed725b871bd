package dev.glasscast.ingest.amf0;

/** The type markers of AMF0 (Adobe AMF0 specification, section 2.1). */
public enum Amf0Marker {
    NUMBER(0x00),
    BOOLEAN(0x01),
    STRING(0x02),
    OBJECT(0x03),
    MOVIECLIP(0x04),
    NULL(0x05),
    UNDEFINED(0x06),
    REFERENCE(0x07),
    ECMA_ARRAY(0x08),
    OBJECT_END(0x09),
    STRICT_ARRAY(0x0A),
    DATE(0x0B),
    LONG_STRING(0x0C),
    UNSUPPORTED(0x0D),
    RECORDSET(0x0E),
    XML_DOCUMENT(0x0F),
    TYPED_OBJECT(0x10),
    AVMPLUS_OBJECT(0x11);

    private static final Amf0Marker[] BY_CODE = values();

    private final int code;

    Amf0Marker(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The marker for {@code code}, or null when the byte is not an AMF0 marker at all. */
    public static Amf0Marker of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
