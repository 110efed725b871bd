package dev.glasscast.media.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1), the H.265 codec
 * configuration of MP4 {@code hvcC} boxes, from in-band parameter sets:
 * <pre>
 * unsigned int(8) configurationVersion = 1;
 * unsigned int(2) general_profile_space; unsigned int(1) general_tier_flag; unsigned int(5) general_profile_idc;
 * unsigned int(32) general_profile_compatibility_flags;
 * unsigned int(48) general_constraint_indicator_flags;
 * unsigned int(8) general_level_idc;
 * bit(4) reserved = '1111'b; unsigned int(12) min_spatial_segmentation_idc;
 * bit(6) reserved = '111111'b; unsigned int(2) parallelismType;
 * bit(6) reserved = '111111'b; unsigned int(2) chromaFormat;
 * bit(5) reserved = '11111'b; unsigned int(3) bitDepthLumaMinus8;
 * bit(5) reserved = '11111'b; unsigned int(3) bitDepthChromaMinus8;
 * bit(16) avgFrameRate;
 * bit(2) constantFrameRate; bit(3) numTemporalLayers; bit(1) temporalIdNested; unsigned int(2) lengthSizeMinusOne;
 * unsigned int(8) numOfArrays;
 * for (j=0; j &lt; numOfArrays; j++) {
 *   bit(1) array_completeness; unsigned int(1) reserved = 0; unsigned int(6) NAL_unit_type;
 *   unsigned int(16) numNalus;
 *   for (i=0; i &lt; numNalus; i++) { unsigned int(16) nalUnitLength; bit(8*nalUnitLength) nalUnit; }
 * }
 * </pre>
 * min_spatial_segmentation_idc and parallelismType are written as 0 (unknown), which is
 * always allowed.
 */
public final class HevcDecoderConfig {

    private static final int FIXED_PART = 23;

    private HevcDecoderConfig() {
    }

    /**
     * The parameter sets of a record as an encoder sent it (the Enhanced RTMP sequence start).
     *
     * @param nalLengthSize bytes of each NAL unit's length prefix in the frames (1, 2 or 4)
     */
    public record ParameterSets(int nalLengthSize, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
    }

    /** @throws IllegalArgumentException when the record is cut short or lacks a VPS, SPS or PPS */
    public static ParameterSets parse(byte[] record) {
        if (record.length < FIXED_PART || record[0] != 1) {
            throw new IllegalArgumentException("not an HEVCDecoderConfigurationRecord (" + record.length + " bytes)");
        }
        int nalLengthSize = (record[21] & 0x03) + 1;
        if (nalLengthSize == 3) {
            throw new IllegalArgumentException("HEVC NAL length size of 3 bytes");
        }
        List<byte[]> vps = new ArrayList<>(1);
        List<byte[]> sps = new ArrayList<>(1);
        List<byte[]> pps = new ArrayList<>(1);
        int arrays = record[22] & 0xFF;
        int at = FIXED_PART;
        for (int array = 0; array < arrays; array++) {
            require(record, at + 3);
            int type = record[at] & 0x3F;
            int count = (record[at + 1] & 0xFF) << 8 | record[at + 2] & 0xFF;
            at += 3;
            for (int i = 0; i < count; i++) {
                require(record, at + 2);
                int length = (record[at] & 0xFF) << 8 | record[at + 1] & 0xFF;
                at += 2;
                require(record, at + length);
                byte[] nal = Arrays.copyOfRange(record, at, at + length);
                at += length;
                switch (type) {
                    case HevcSps.NAL_VPS -> vps.add(nal);
                    case HevcSps.NAL_SPS -> sps.add(nal);
                    case HevcSps.NAL_PPS -> pps.add(nal);
                    default -> { } // SEI and the like: not needed to decode
                }
            }
        }
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException("HEVCDecoderConfigurationRecord without a VPS, SPS and PPS");
        }
        return new ParameterSets(nalLengthSize, vps, sps, pps);
    }

    private static void require(byte[] record, int end) {
        if (end > record.length) {
            throw new IllegalArgumentException("HEVCDecoderConfigurationRecord cut short at " + record.length + " bytes");
        }
    }

    public static byte[] toBytes(byte[] vps, byte[] sps, byte[] pps) {
        HevcSps parsed = HevcSps.parse(sps);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.writeBytes(parsed.profileTierLevel());
        out.write(0xF0);
        out.write(0x00);
        out.write(0xFC);
        out.write(0xFC | parsed.chromaFormat());
        out.write(0xF8 | parsed.bitDepthLumaMinus8());
        out.write(0xF8 | parsed.bitDepthChromaMinus8());
        out.write(0);
        out.write(0);
        out.write(((parsed.maxSubLayersMinus1() + 1) << 3) | (parsed.temporalIdNesting() ? 0x04 : 0) | 0x03);
        List<byte[]> arrays = List.of(vps, sps, pps);
        out.write(arrays.size());
        for (byte[] nal : arrays) {
            out.write(0x80 | HevcSps.nalType(nal[0]));
            out.write(0);
            out.write(1);
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }
}
