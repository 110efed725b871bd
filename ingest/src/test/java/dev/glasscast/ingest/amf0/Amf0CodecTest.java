package dev.glasscast.ingest.amf0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0CodecTest {

    private final Amf0Encoder encoder = new Amf0Encoder();
    private final Amf0Decoder decoder = new Amf0Decoder();

    @Test
    void everySupportedTypeRoundTrips() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("level", "status");
        nested.put("inner", Map.of("deep", true));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("width", 1280.0);
        meta.put("encoder", "Lavf61");
        List<Object> values = new ArrayList<>(Arrays.asList(
                1.5, -0.0, Double.NaN, true, false, "", "héllo ✓", "x".repeat(70_000),
                nested, new Amf0EcmaArray(meta), List.of(1.0, "two", List.of()), new Amf0Date(1.7e12, (short) 0),
                null, Amf0Undefined.UNDEFINED));
        ByteBuf buffer = Unpooled.buffer();
        encoder.encodeAll(buffer, values.toArray());
        assertEquals(Amf0Marker.LONG_STRING.code(), longStringMarker(buffer));
        List<Object> decoded = new Amf0Decoder(16, 100_000, 1024).decodeAll(buffer);
        assertEquals(values.size(), decoded.size());
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof Double d && d.isNaN()) {
                assertTrue(((Double) decoded.get(i)).isNaN());
            } else {
                assertEquals(values.get(i), decoded.get(i), "value " + i);
            }
        }
        assertFalse(buffer.isReadable());
        buffer.release();
    }

    @Test
    void readsTheConnectCommandFfmpegSends() {
        // "connect", 1, {app: "live", type: "nonprivate", flashVer: "FMLE/3.0", tcUrl: "rtmp://h/live"}
        ByteBuf wire = Unpooled.buffer();
        encoder.encodeAll(wire, "connect", 1, Map.of("app", "live"));
        List<Object> values = decoder.decodeAll(wire);
        assertEquals("connect", values.get(0));
        assertEquals(1.0, values.get(1));
        assertEquals(Map.of("app", "live"), values.get(2));
        wire.release();
    }

    @Test
    void ecmaArrayWithoutEndMarkerAtTheEndOfTheMessage() {
        ByteBuf wire = Unpooled.wrappedBuffer(HexFormat.of().parseHex("080000000100057769647468" + "004094000000000000"));
        Amf0EcmaArray array = (Amf0EcmaArray) decoder.decode(wire);
        assertEquals(Map.of("width", 1280.0), array.entries());
        wire.release();
    }

    @Test
    void rejectsAmf3AndUnsupportedOrUnknownMarkers() {
        assertRejected("11", "AMF3");
        assertRejected("07 0001", "REFERENCE");
        assertRejected("10 0001 41", "TYPED_OBJECT");
        assertRejected("0f 00000000", "XML_DOCUMENT");
        assertRejected("20", "unknown");
        assertRejected("09", "object end");
    }

    @Test
    void rejectsTruncatedInput() {
        assertRejected("00 4000", "truncated");
        assertRejected("02 0005 6869", "truncated");
        assertRejected("03 0001 61", "truncated");
        assertRejected("0a 00000002 0101", "truncated");
    }

    @Test
    void enforcesLimits() {
        Amf0Decoder strict = new Amf0Decoder(3, 8, 4);
        ByteBuf deep = Unpooled.buffer();
        encoder.encode(deep, List.of(List.of(List.of(List.of()))));
        assertThrows(Amf0Exception.class, () -> strict.decode(deep));
        ByteBuf longText = Unpooled.buffer();
        encoder.encode(longText, "123456789");
        assertThrows(Amf0Exception.class, () -> strict.decode(longText));
        // A strict array claiming four billion elements costs nothing to reject.
        assertThrows(Amf0Exception.class, () -> strict.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0affffffff"))));
        // A long string claiming 4 GiB likewise.
        assertThrows(Amf0Exception.class, () -> decoder.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0cffffffff"))));
        ByteBuf wide = Unpooled.buffer();
        encoder.encode(wide, Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5));
        assertThrows(Amf0Exception.class, () -> strict.decode(wide));
        deep.release();
        longText.release();
        wide.release();
    }

    private void assertRejected(String hex, String messagePart) {
        ByteBuf wire = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
        Amf0Exception e = assertThrows(Amf0Exception.class, () -> decoder.decodeAll(wire));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        wire.release();
    }

    private static int longStringMarker(ByteBuf buffer) {
        // Markers: number x3 (9 bytes each), boolean x2 (2 each), "" (3), "héllo ✓" (3 + 10), then the long string.
        return buffer.getUnsignedByte(27 + 4 + 3 + 13);
    }
}
