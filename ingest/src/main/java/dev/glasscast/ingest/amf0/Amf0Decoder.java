package dev.glasscast.ingest.amf0;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads AMF0 values (Adobe AMF0 specification) into plain Java values:
 * <ul>
 *   <li>number → {@link Double}; boolean → {@link Boolean}; string and long string → {@link String}</li>
 *   <li>object → {@code Map<String, Object>} in wire order; ECMA array → {@link Amf0EcmaArray}</li>
 *   <li>strict array → {@code List<Object>}; date → {@link Amf0Date}</li>
 *   <li>null → {@code null}; undefined → {@link Amf0Undefined#UNDEFINED}</li>
 * </ul>
 * References, typed objects, XML, movie clips, record sets and the AVM+ (AMF3) switch are refused
 * with an {@link Amf0Exception}: RTMP publishers do not send them in AMF0 commands, and reading them
 * would widen the attack surface for nothing.
 *
 * <p>Every size is bounded, so hostile input costs at most the bytes it sent. The decoder reads
 * from the buffer's reader index and advances it; it never retains or releases the buffer.
 * Instances are stateless apart from their limits and may be shared.
 */
public final class Amf0Decoder {

    /** Default nesting depth of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 16;
    /** Default longest string in bytes (a long string can claim 4 GiB). */
    public static final int DEFAULT_MAX_STRING_BYTES = 64 * 1024;
    /** Default most properties of an object or elements of an array. */
    public static final int DEFAULT_MAX_ENTRIES = 1024;

    private final int maxDepth;
    private final int maxStringBytes;
    private final int maxEntries;

    public Amf0Decoder() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_BYTES, DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param maxDepth       deepest nesting of objects and arrays ({@value #DEFAULT_MAX_DEPTH} by default)
     * @param maxStringBytes longest string or property name in UTF-8 bytes
     *                       ({@value #DEFAULT_MAX_STRING_BYTES} by default)
     * @param maxEntries     most properties per object or elements per array
     *                       ({@value #DEFAULT_MAX_ENTRIES} by default)
     */
    public Amf0Decoder(int maxDepth, int maxStringBytes, int maxEntries) {
        if (maxDepth < 1 || maxStringBytes < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("AMF0 limits must be positive");
        }
        this.maxDepth = maxDepth;
        this.maxStringBytes = maxStringBytes;
        this.maxEntries = maxEntries;
    }

    /** Reads one value. */
    public Object decode(ByteBuf in) {
        return readValue(in, 0);
    }

    /** Reads values until the buffer is empty, as in a command or data message body. */
    public List<Object> decodeAll(ByteBuf in) {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            if (values.size() >= maxEntries) {
                throw new Amf0Exception("more than " + maxEntries + " values in one message");
            }
            values.add(readValue(in, 0));
        }
        return values;
    }

    private Object readValue(ByteBuf in, int depth) {
        need(in, 1, "marker");
        int code = in.readUnsignedByte();
        Amf0Marker marker = Amf0Marker.of(code);
        if (marker == null) {
            throw new Amf0Exception(String.format("unknown AMF0 marker 0x%02x", code));
        }
        return switch (marker) {
            case NUMBER -> {
                need(in, 8, "number");
                yield in.readDouble();
            }
            case BOOLEAN -> {
                need(in, 1, "boolean");
                yield in.readUnsignedByte() != 0;
            }
            case STRING -> readUtf8(in, 2);
            case LONG_STRING -> readUtf8(in, 4);
            case NULL -> null;
            case UNDEFINED -> Amf0Undefined.UNDEFINED;
            case OBJECT -> readProperties(in, depth + 1, false);
            case ECMA_ARRAY -> {
                need(in, 4, "ECMA array count");
                // The count is only a hint (encoders get it wrong); the end marker decides.
                in.skipBytes(4);
                yield new Amf0EcmaArray(readProperties(in, depth + 1, true));
            }
            case STRICT_ARRAY -> readStrictArray(in, depth + 1);
            case DATE -> {
                need(in, 10, "date");
                double millis = in.readDouble();
                yield new Amf0Date(millis, in.readShort());
            }
            case OBJECT_END -> throw new Amf0Exception("object end marker outside an object");
            case AVMPLUS_OBJECT -> throw new Amf0Exception("AMF3 values (marker 0x11) are not supported");
            case MOVIECLIP, REFERENCE, UNSUPPORTED, RECORDSET, XML_DOCUMENT, TYPED_OBJECT ->
                    throw new Amf0Exception("unsupported AMF0 type " + marker);
        };
    }

    private Map<String, Object> readProperties(ByteBuf in, int depth, boolean endMarkerOptional) {
        checkDepth(depth);
        Map<String, Object> properties = new LinkedHashMap<>();
        while (true) {
            if (endMarkerOptional && !in.isReadable()) {
                // Some encoders end onMetaData's ECMA array with the message instead of a marker.
                return properties;
            }
            String name = readUtf8(in, 2);
            if (name.isEmpty()) {
                need(in, 1, "object end");
                if (in.getUnsignedByte(in.readerIndex()) == Amf0Marker.OBJECT_END.code()) {
                    in.skipBytes(1);
                    return properties;
                }
            }
            if (properties.size() >= maxEntries) {
                throw new Amf0Exception("object has more than " + maxEntries + " properties");
            }
            properties.put(name, readValue(in, depth));
        }
    }

    private List<Object> readStrictArray(ByteBuf in, int depth) {
        checkDepth(depth);
        need(in, 4, "strict array count");
        long count = in.readUnsignedInt();
        if (count > maxEntries) {
            throw new Amf0Exception("strict array of " + count + " elements exceeds " + maxEntries);
        }
        List<Object> elements = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            elements.add(readValue(in, depth));
        }
        return elements;
    }

    private String readUtf8(ByteBuf in, int lengthBytes) {
        need(in, lengthBytes, "string length");
        long length = lengthBytes == 2 ? in.readUnsignedShort() : in.readUnsignedInt();
        if (length > maxStringBytes) {
            throw new Amf0Exception("string of " + length + " bytes exceeds " + maxStringBytes);
        }
        need(in, (int) length, "string");
        String text = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return text;
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw new Amf0Exception("AMF0 nesting deeper than " + maxDepth);
        }
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new Amf0Exception("AMF0 " + what + " truncated: need " + bytes + " bytes, have " + in.readableBytes());
        }
    }
}
