package dev.glasscast.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecConfigTest {

    // x264, High profile level 3.1, 1280x720 (cropped from 1280x720 macroblocks), VUI 30 fps.
    private static final byte[] SPS_720P = HexFormat.of().parseHex("6764001facd9405005bb0110000003001000000303c0f1831960");

    @Test
    void aacConfigRoundTrips() {
        AacConfig lc = new AacConfig(2, 48000, 2);
        byte[] bytes = lc.toBytes();
        assertArrayEquals(new byte[] {0x11, (byte) 0x90}, bytes);
        assertEquals(lc, AacConfig.parse(bytes));
        assertEquals("mp4a.40.2", lc.codecString());
        AacConfig odd = new AacConfig(2, 45000, 1);
        assertEquals(odd, AacConfig.parse(odd.toBytes()));
    }

    @Test
    void adtsHeaderRoundTrips() {
        AacConfig config = new AacConfig(2, 44100, 2);
        byte[] header = AdtsHeader.build(config, 300);
        AdtsHeader parsed = AdtsHeader.parse(header, 0);
        assertEquals(config, parsed.config());
        assertEquals(307, parsed.frameLength());
        assertEquals(7, parsed.headerLength());
        assertThrows(IllegalArgumentException.class, () -> AdtsHeader.parse(new byte[] {1, 2, 3, 4, 5, 6, 7}, 0));
    }

    @Test
    void nalFramingsConvert() {
        List<byte[]> units = List.of(new byte[] {0x67, 1, 2}, new byte[] {0x68, 3}, new byte[] {0x65, 0, 0, 3, 1});
        byte[] annexB = NalUnits.toAnnexB(units);
        List<byte[]> split = NalUnits.splitAnnexB(annexB, 0, annexB.length);
        assertEquals(3, split.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(units.get(i), split.get(i));
        }
        byte[] prefixed = NalUnits.toLengthPrefixed(units);
        List<byte[]> back = NalUnits.splitLengthPrefixed(prefixed);
        assertArrayEquals(units.get(2), back.get(2));
        assertThrows(IllegalArgumentException.class, () -> NalUnits.splitLengthPrefixed(new byte[] {0, 0, 0, 9, 1}));
    }

    @Test
    void avcDecoderConfigRoundTrips() {
        byte[] sps = SPS_720P;
        byte[] pps = HexFormat.of().parseHex("68ebe3cb22c0");
        AvcDecoderConfig config = AvcDecoderConfig.of(List.of(sps), List.of(pps));
        AvcDecoderConfig parsed = AvcDecoderConfig.parse(config.toBytes());
        assertEquals(100, parsed.profile());
        assertEquals(0x1f, parsed.level());
        assertEquals(4, parsed.nalLengthSize());
        assertArrayEquals(sps, parsed.sps().get(0));
        assertArrayEquals(pps, parsed.pps().get(0));
        assertEquals("avc1.64001f", parsed.codecString());
        assertThrows(IllegalArgumentException.class, () -> AvcDecoderConfig.parse(new byte[] {1, 100, 0, 31, -1, -31, 0, 50}));
    }

    @Test
    void spsGivesPictureSize() {
        H264Sps sps = H264Sps.parse(SPS_720P);
        assertEquals(100, sps.profileIdc());
        assertEquals(1280, sps.width());
        assertEquals(720, sps.height());
    }
}
