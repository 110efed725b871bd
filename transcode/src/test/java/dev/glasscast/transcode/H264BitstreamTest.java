package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class H264BitstreamTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac, 0x2c};
    private static final byte[] PPS = {0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb};
    private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x33};

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static final byte[] FOUR = {0, 0, 0, 1};
    private static final byte[] THREE = {0, 0, 1};
    private static final byte[] AUD = {0x09, (byte) 0xf0};

    @Test
    void splitsThreeAndFourByteStartCodes() {
        byte[] annexB = concat(FOUR, SPS, THREE, PPS, FOUR, IDR);
        List<byte[]> units = H264Bitstream.splitAnnexB(annexB, annexB.length);
        assertEquals(3, units.size());
        assertArrayEquals(SPS, units.get(0));
        assertArrayEquals(PPS, units.get(1));
        assertArrayEquals(IDR, units.get(2));
    }

    @Test
    void lengthPrefixedKeepsSlicesAndDropsParameterSetsAndDelimiters() {
        byte[] annexB = concat(FOUR, AUD, FOUR, SPS, FOUR, PPS, THREE, IDR);
        byte[] expected = concat(new byte[] {0, 0, 0, (byte) IDR.length}, IDR);
        assertArrayEquals(expected, H264Bitstream.toLengthPrefixed(annexB, annexB.length));
    }

    @Test
    void buildsTheDecoderConfigurationRecord() {
        byte[] header = concat(FOUR, SPS, FOUR, PPS);
        byte[] avcC = H264Bitstream.avcDecoderConfigurationRecord(header, header.length);
        byte[] expected = concat(
                new byte[] {1, 0x64, 0x00, 0x1f, (byte) 0xff, (byte) 0xe1, 0, (byte) SPS.length}, SPS,
                new byte[] {1, 0, (byte) PPS.length}, PPS,
                new byte[] {(byte) 0xfd, (byte) 0xf8, (byte) 0xf8, 0});
        assertArrayEquals(expected, avcC);
        assertThrows(IllegalArgumentException.class, () -> H264Bitstream.avcDecoderConfigurationRecord(PPS, PPS.length));
    }

    @Test
    void levelIdc() {
        assertEquals(31, VideoEncoder.levelIdc("3.1"));
        assertEquals(40, VideoEncoder.levelIdc("4"));
        assertEquals(9, VideoEncoder.levelIdc("1b"));
    }
}
