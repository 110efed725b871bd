package dev.glasscast.ingest.amf0;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes Java values as AMF0, the inverse of {@link Amf0Decoder}: any {@link Number} becomes a
 * number, {@link CharSequence} a string (a long string past 65535 UTF-8 bytes), {@code Map} an
 * object, {@link Amf0EcmaArray} an ECMA array, {@code List} a strict array, {@link Amf0Date} or
 * {@link Instant} a date, {@code null} null and {@link Amf0Undefined} undefined.
 *
 * <p>Writes at the buffer's writer index; the caller keeps ownership of the buffer.
 */
public final class Amf0Encoder {

    private static final int MAX_SHORT_STRING = 0xFFFF;

    /** Writes each value in turn, as in a command message body. */
    public void encodeAll(ByteBuf out, Object... values) {
        for (Object value : values) {
            encode(out, value);
        }
    }

    public void encode(ByteBuf out, Object value) {
        switch (value) {
            case null -> out.writeByte(Amf0Marker.NULL.code());
            case Amf0Undefined undefined -> out.writeByte(Amf0Marker.UNDEFINED.code());
            case Number number -> {
                out.writeByte(Amf0Marker.NUMBER.code());
                out.writeDouble(number.doubleValue());
            }
            case Boolean bool -> {
                out.writeByte(Amf0Marker.BOOLEAN.code());
                out.writeByte(bool ? 1 : 0);
            }
            case CharSequence text -> {
                int length = ByteBufUtil.utf8Bytes(text);
                if (length > MAX_SHORT_STRING) {
                    out.writeByte(Amf0Marker.LONG_STRING.code());
                    out.writeInt(length);
                } else {
                    out.writeByte(Amf0Marker.STRING.code());
                    out.writeShort(length);
                }
                ByteBufUtil.writeUtf8(out, text);
            }
            case Amf0EcmaArray array -> {
                out.writeByte(Amf0Marker.ECMA_ARRAY.code());
                out.writeInt(array.entries().size());
                writeProperties(out, array.entries());
            }
            case Map<?, ?> object -> {
                out.writeByte(Amf0Marker.OBJECT.code());
                writeProperties(out, object);
            }
            case List<?> list -> {
                out.writeByte(Amf0Marker.STRICT_ARRAY.code());
                out.writeInt(list.size());
                for (Object element : list) {
                    encode(out, element);
                }
            }
            case Amf0Date date -> {
                out.writeByte(Amf0Marker.DATE.code());
                out.writeDouble(date.epochMillis());
                out.writeShort(date.timeZone());
            }
            case Instant instant -> encode(out, new Amf0Date(instant.toEpochMilli(), (short) 0));
            default -> throw new IllegalArgumentException("no AMF0 form for " + value.getClass().getName());
        }
    }

    private void writeProperties(ByteBuf out, Map<?, ?> properties) {
        for (Map.Entry<?, ?> property : properties.entrySet()) {
            String name = String.valueOf(property.getKey());
            int length = ByteBufUtil.utf8Bytes(name);
            if (length > MAX_SHORT_STRING) {
                throw new IllegalArgumentException("AMF0 property name longer than 65535 bytes");
            }
            out.writeShort(length);
            ByteBufUtil.writeUtf8(out, name);
            encode(out, property.getValue());
        }
        out.writeShort(0);
        out.writeByte(Amf0Marker.OBJECT_END.code());
    }
}
