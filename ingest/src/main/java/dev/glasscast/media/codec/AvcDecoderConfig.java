package dev.glasscast.media.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1), the H.264 codec configuration
 * carried in FLV sequence headers and MP4 {@code avcC} boxes:
 * <pre>
 * aligned(8) class AVCDecoderConfigurationRecord {
 *   unsigned int(8) configurationVersion = 1;
 *   unsigned int(8) AVCProfileIndication;
 *   unsigned int(8) profile_compatibility;
 *   unsigned int(8) AVCLevelIndication;
 *   bit(6) reserved = '111111'b; unsigned int(2) lengthSizeMinusOne;
 *   bit(3) reserved = '111'b;    unsigned int(5) numOfSequenceParameterSets;
 *   for (i=0; i&lt;numOfSequenceParameterSets; i++) { unsigned int(16) sequenceParameterSetLength; bit(8*sequenceParameterSetLength) sequenceParameterSetNALUnit; }
 *   unsigned int(8) numOfPictureParameterSets;
 *   for (i=0; i&lt;numOfPictureParameterSets; i++) { unsigned int(16) pictureParameterSetLength; bit(8*pictureParameterSetLength) pictureParameterSetNALUnit; }
 *   // high profiles may append chroma/bit-depth fields; kept verbatim by callers that copy the record
 * }
 * </pre>
 */
public record AvcDecoderConfig(int profile, int compatibility, int level, int nalLengthSize, List<byte[]> sps, List<byte[]> pps) {

    public AvcDecoderConfig {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    public static AvcDecoderConfig parse(byte[] record) {
        if (record.length < 7 || record[0] != 1) {
            throw new IllegalArgumentException("not an AVCDecoderConfigurationRecord");
        }
        int lengthSize = (record[4] & 0x03) + 1;
        int pos = 5;
        List<byte[]> sps = new ArrayList<>();
        int spsCount = record[pos++] & 0x1F;
        for (int i = 0; i < spsCount; i++) {
            byte[] unit = readUnit(record, pos);
            sps.add(unit);
            pos += 2 + unit.length;
        }
        List<byte[]> pps = new ArrayList<>();
        if (pos >= record.length) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord truncated before PPS count");
        }
        int ppsCount = record[pos++] & 0xFF;
        for (int i = 0; i < ppsCount; i++) {
            byte[] unit = readUnit(record, pos);
            pps.add(unit);
            pos += 2 + unit.length;
        }
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord without SPS");
        }
        return new AvcDecoderConfig(record[1] & 0xFF, record[2] & 0xFF, record[3] & 0xFF, lengthSize, sps, pps);
    }

    /** Builds a record with 4-byte NAL lengths from the parameter sets. */
    public static AvcDecoderConfig of(List<byte[]> sps, List<byte[]> pps) {
        if (sps.isEmpty() || sps.get(0).length < 4) {
            throw new IllegalArgumentException("need an SPS");
        }
        byte[] first = sps.get(0);
        return new AvcDecoderConfig(first[1] & 0xFF, first[2] & 0xFF, first[3] & 0xFF, 4, sps, pps);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(profile);
        out.write(compatibility);
        out.write(level);
        out.write(0xFC | (nalLengthSize - 1));
        out.write(0xE0 | sps.size());
        for (byte[] unit : sps) {
            writeUnit(out, unit);
        }
        out.write(pps.size());
        for (byte[] unit : pps) {
            writeUnit(out, unit);
        }
        return out.toByteArray();
    }

    public H264Sps parsedSps() {
        return H264Sps.parse(sps.get(0));
    }

    /** The RFC 6381 codec string, e.g. {@code avc1.64001f}. */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profile, compatibility, level);
    }

    private static byte[] readUnit(byte[] record, int pos) {
        if (pos + 2 > record.length) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord truncated");
        }
        int length = ((record[pos] & 0xFF) << 8) | (record[pos + 1] & 0xFF);
        if (pos + 2 + length > record.length) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord parameter set runs past the end");
        }
        byte[] unit = new byte[length];
        System.arraycopy(record, pos + 2, unit, 0, length);
        return unit;
    }

    private static void writeUnit(ByteArrayOutputStream out, byte[] unit) {
        out.write(unit.length >>> 8);
        out.write(unit.length);
        out.writeBytes(unit);
    }
}
