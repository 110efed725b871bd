package dev.glasscast.packager.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses ISO BMFF boxes back for the tests: a box tree over a buffer, checking on the way that
 * every container's children fill it exactly.
 */
final class Mp4BoxReader {

    /** Bytes before the first child box, for boxes that hold fields and then boxes. */
    private static final Map<String, Integer> CHILDREN_OFFSET = Map.ofEntries(
            Map.entry("moov", 0), Map.entry("trak", 0), Map.entry("mdia", 0), Map.entry("minf", 0),
            Map.entry("dinf", 0), Map.entry("stbl", 0), Map.entry("mvex", 0), Map.entry("moof", 0),
            Map.entry("traf", 0),
            Map.entry("dref", 8), Map.entry("stsd", 8),
            // SampleEntry (8) + VisualSampleEntry fields (70) / AudioSampleEntry fields (20).
            Map.entry("avc1", 78), Map.entry("mp4a", 28));

    record Box(String type, int start, int size, ByteBuf file, List<Box> children) {
        int payload() {
            return start + 8;
        }

        int end() {
            return start + size;
        }

        int version() {
            return file.getUnsignedByte(payload());
        }

        int flags() {
            return file.getUnsignedMedium(payload() + 1);
        }

        /** Unsigned 32-bit field at {@code offset} from the payload start. */
        long u32(int offset) {
            return file.getUnsignedInt(payload() + offset);
        }

        int u16(int offset) {
            return file.getUnsignedShort(payload() + offset);
        }

        String fourCc(int offset) {
            return file.toString(payload() + offset, 4, StandardCharsets.US_ASCII);
        }

        List<String> childTypes() {
            return children.stream().map(Box::type).toList();
        }

        Box child(String childType) {
            return children.stream().filter(b -> b.type.equals(childType)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + childType + " in " + type + ": " + childTypes()));
        }

        /** Follows a slash-separated path of child types. */
        Box at(String path) {
            Box box = this;
            for (String step : path.split("/")) {
                box = box.child(step);
            }
            return box;
        }
    }

    private Mp4BoxReader() {
    }

    /** The top-level boxes from the reader index to the writer index of {@code file}. */
    static List<Box> read(ByteBuf file) {
        return read(file, file.readerIndex(), file.writerIndex());
    }

    static Box root(ByteBuf file, String type) {
        return read(file).stream().filter(b -> b.type.equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no top-level " + type));
    }

    private static List<Box> read(ByteBuf file, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        int at = from;
        while (at < to) {
            assertTrue(to - at >= 8, "box header truncated at " + at);
            int size = file.getInt(at);
            String type = file.toString(at + 4, 4, StandardCharsets.US_ASCII);
            assertTrue(size >= 8 && at + size <= to, type + " at " + at + " has size " + size + " beyond " + to);
            Integer childrenOffset = CHILDREN_OFFSET.get(type);
            List<Box> children = childrenOffset == null
                    ? List.of()
                    : read(file, at + 8 + childrenOffset, at + size);
            boxes.add(new Box(type, at, size, file, children));
            at += size;
        }
        assertEquals(to, at, "boxes fill their parent exactly");
        return boxes;
    }
}
