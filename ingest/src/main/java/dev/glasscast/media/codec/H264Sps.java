package dev.glasscast.media.codec;

/**
 * The parts of an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1) that a server needs:
 * the profile and level for codec strings, the cropped picture size, and the frame rate when the
 * VUI carries timing information.
 *
 * @param profileIdc      profile_idc
 * @param constraintFlags the constraint_set flags byte
 * @param levelIdc        level_idc
 * @param width           cropped width in pixels
 * @param height          cropped height in pixels
 * @param frameRate       frames per second from VUI timing, or 0 when absent
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height, double frameRate) {

    /** Parses an SPS NAL unit (with its one-byte NAL header, emulation prevention bytes included). */
    public static H264Sps parse(byte[] nal) {
        if (nal.length < 4 || NalUnits.h264Type(nal[0]) != NalUnits.H264_NAL_SPS) {
            throw new IllegalArgumentException("not an H.264 SPS");
        }
        byte[] rbsp = NalUnits.unescapeRbsp(nal, 1, nal.length - 1);
        BitReader r = new BitReader(rbsp, 0, rbsp.length);
        int profileIdc = r.readBits(8);
        int constraintFlags = r.readBits(8);
        int levelIdc = r.readBits(8);
        r.readUnsignedExpGolomb(); // seq_parameter_set_id
        int chromaFormatIdc = 1;
        boolean separateColourPlane = false;
        if (profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244 || profileIdc == 44
                || profileIdc == 83 || profileIdc == 86 || profileIdc == 118 || profileIdc == 128
                || profileIdc == 138 || profileIdc == 139 || profileIdc == 134 || profileIdc == 135) {
            chromaFormatIdc = r.readUnsignedExpGolomb();
            if (chromaFormatIdc == 3) {
                separateColourPlane = r.readFlag();
            }
            r.readUnsignedExpGolomb(); // bit_depth_luma_minus8
            r.readUnsignedExpGolomb(); // bit_depth_chroma_minus8
            r.readBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.readFlag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.readFlag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.readUnsignedExpGolomb(); // log2_max_frame_num_minus4
        int picOrderCntType = r.readUnsignedExpGolomb();
        if (picOrderCntType == 0) {
            r.readUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (picOrderCntType == 1) {
            r.readBit(); // delta_pic_order_always_zero_flag
            r.readSignedExpGolomb();
            r.readSignedExpGolomb();
            int cycle = r.readUnsignedExpGolomb();
            if (cycle > 255) {
                throw new IllegalArgumentException("num_ref_frames_in_pic_order_cnt_cycle too large");
            }
            for (int i = 0; i < cycle; i++) {
                r.readSignedExpGolomb();
            }
        }
        r.readUnsignedExpGolomb(); // max_num_ref_frames
        r.readBit(); // gaps_in_frame_num_value_allowed_flag
        int widthInMbs = r.readUnsignedExpGolomb() + 1;
        int heightInMapUnits = r.readUnsignedExpGolomb() + 1;
        boolean frameMbsOnly = r.readFlag();
        if (!frameMbsOnly) {
            r.readBit(); // mb_adaptive_frame_field_flag
        }
        r.readBit(); // direct_8x8_inference_flag
        int width = widthInMbs * 16;
        int height = (2 - (frameMbsOnly ? 1 : 0)) * heightInMapUnits * 16;
        if (r.readFlag()) { // frame_cropping_flag
            int left = r.readUnsignedExpGolomb();
            int right = r.readUnsignedExpGolomb();
            int top = r.readUnsignedExpGolomb();
            int bottom = r.readUnsignedExpGolomb();
            int arrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int cropUnitX = arrayType == 0 ? 1 : (arrayType == 3 ? 1 : 2);
            int cropUnitY = (arrayType == 0 ? 1 : (arrayType == 1 ? 2 : 1)) * (2 - (frameMbsOnly ? 1 : 0));
            width -= (left + right) * cropUnitX;
            height -= (top + bottom) * cropUnitY;
        }
        double frameRate = 0;
        if (r.hasMore() && r.readFlag()) { // vui_parameters_present_flag
            frameRate = vuiFrameRate(r);
        }
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("implausible picture size " + width + "x" + height);
        }
        return new H264Sps(profileIdc, constraintFlags, levelIdc, width, height, frameRate);
    }

    /** The RFC 6381 codec string, e.g. {@code avc1.64001f}. */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
    }

    private static double vuiFrameRate(BitReader r) {
        try {
            if (r.readFlag()) { // aspect_ratio_info_present_flag
                if (r.readBits(8) == 255) { // Extended_SAR
                    r.skipBits(32);
                }
            }
            if (r.readFlag()) { // overscan_info_present_flag
                r.readBit();
            }
            if (r.readFlag()) { // video_signal_type_present_flag
                r.skipBits(4);
                if (r.readFlag()) { // colour_description_present_flag
                    r.skipBits(24);
                }
            }
            if (r.readFlag()) { // chroma_loc_info_present_flag
                r.readUnsignedExpGolomb();
                r.readUnsignedExpGolomb();
            }
            if (r.readFlag()) { // timing_info_present_flag
                long numUnitsInTick = Integer.toUnsignedLong(r.readBits(32));
                long timeScale = Integer.toUnsignedLong(r.readBits(32));
                if (numUnitsInTick > 0) {
                    return timeScale / (2.0 * numUnitsInTick);
                }
            }
        } catch (IllegalArgumentException truncatedVui) {
            // A truncated VUI leaves the frame rate unknown; the size is still good.
        }
        return 0;
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                int delta = r.readSignedExpGolomb();
                next = (last + delta + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
