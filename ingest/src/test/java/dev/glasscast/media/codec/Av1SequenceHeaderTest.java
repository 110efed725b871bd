package dev.glasscast.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Av1SequenceHeaderTest {

    /** The av1C SVT-AV1 wrote for 320x180 (FFmpeg 8, Enhanced RTMP sequence start). */
    private static final byte[] SVT_AV1_320X180 = HexFormat.of().parseHex("81000c000a0b0200000521e7f66017c002");

    @Test
    void readsThePictureSizeFromTheSequenceHeaderObu() {
        Av1SequenceHeader header = Av1SequenceHeader.fromConfigRecord(SVT_AV1_320X180);
        assertEquals(0, header.profile());
        assertEquals(320, header.width());
        assertEquals(180, header.height());
    }

    @Test
    void aRecordCutShortOrWithoutASequenceHeaderIsAParseError() {
        for (int length = 0; length < SVT_AV1_320X180.length - 1; length++) {
            byte[] cut = Arrays.copyOf(SVT_AV1_320X180, length);
            assertThrows(IllegalArgumentException.class, () -> Av1SequenceHeader.fromConfigRecord(cut), "length " + length);
        }
        assertThrows(IllegalArgumentException.class, () -> Av1SequenceHeader.fromConfigRecord(new byte[] {(byte) 0x81, 0, 0, 0}));
    }
}
