package dev.glasscast.media.codec;

import java.util.Arrays;

/**
 * What GlassCast needs from an H.265 sequence parameter set (ITU-T H.265 7.3.2.2): the
 * general profile_tier_level fields that the hvcC record repeats, the picture size after the
 * conformance window, chroma format and bit depths.
 *
 * @param profileTierLevel the 12 bytes of general_profile_space .. general_level_idc, verbatim
 */
public record HevcSps(byte[] profileTierLevel, int maxSubLayersMinus1, boolean temporalIdNesting, int chromaFormat,
                      int bitDepthLumaMinus8, int bitDepthChromaMinus8, int width, int height) {

    public static final int NAL_VPS = 32;
    public static final int NAL_SPS = 33;
    public static final int NAL_PPS = 34;
    public static final int NAL_AUD = 35;

    /** H.265 nal_unit_type of a NAL unit's first byte. */
    public static int nalType(byte header) {
        return (header >> 1) & 0x3F;
    }

    /** IRAP pictures (BLA, IDR, CRA: types 16..23) are where a decoder can start. */
    public static boolean isRandomAccess(int nalType) {
        return nalType >= 16 && nalType <= 23;
    }

    /** Parses an SPS NAL unit (with its 2-byte header); throws IllegalArgumentException when malformed. */
    public static HevcSps parse(byte[] nal) {
        if (nal.length < 15 || nalType(nal[0]) != NAL_SPS) {
            throw new IllegalArgumentException("not an H.265 SPS");
        }
        byte[] rbsp = NalUnits.unescapeRbsp(nal, 2, nal.length - 2);
        BitReader r = new BitReader(rbsp, 0, rbsp.length);
        r.skipBits(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.readBits(3);
        boolean temporalIdNesting = r.readFlag();
        byte[] ptl = Arrays.copyOfRange(rbsp, 1, 13);
        r.skipBits(96); // general profile_tier_level: 2+1+5 + 32 + 48 + 8 bits
        boolean[] profilePresent = new boolean[8];
        boolean[] levelPresent = new boolean[8];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.readFlag();
            levelPresent[i] = r.readFlag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skipBits(2 * (8 - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skipBits(88);
            }
            if (levelPresent[i]) {
                r.skipBits(8);
            }
        }
        r.readUnsignedExpGolomb(); // sps_seq_parameter_set_id
        int chromaFormat = r.readUnsignedExpGolomb();
        if (chromaFormat > 3) {
            throw new IllegalArgumentException("chroma_format_idc " + chromaFormat);
        }
        if (chromaFormat == 3) {
            r.skipBits(1); // separate_colour_plane_flag
        }
        int width = r.readUnsignedExpGolomb();
        int height = r.readUnsignedExpGolomb();
        if (r.readFlag()) { // conformance_window_flag
            int subWidth = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
            int subHeight = chromaFormat == 1 ? 2 : 1;
            int left = r.readUnsignedExpGolomb();
            int right = r.readUnsignedExpGolomb();
            int top = r.readUnsignedExpGolomb();
            int bottom = r.readUnsignedExpGolomb();
            width -= subWidth * (left + right);
            height -= subHeight * (top + bottom);
        }
        int bitDepthLuma = r.readUnsignedExpGolomb();
        int bitDepthChroma = r.readUnsignedExpGolomb();
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384 || bitDepthLuma > 8 || bitDepthChroma > 8) {
            throw new IllegalArgumentException("implausible H.265 SPS: " + width + "x" + height);
        }
        return new HevcSps(ptl, maxSubLayersMinus1, temporalIdNesting, chromaFormat, bitDepthLuma, bitDepthChroma,
                width, height);
    }
}
