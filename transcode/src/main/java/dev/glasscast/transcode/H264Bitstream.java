package dev.glasscast.transcode;

import dev.glasscast.media.Codec;
import dev.glasscast.media.codec.HevcSps;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between the two H.264 byte-stream forms: Annex B (NAL units after
 * {@code 00 00 01} start codes), which libx264 emits, and the length-prefixed form of
 * ISO/IEC 14496-15 with its AVCDecoderConfigurationRecord ("avcC"), which GlassCast carries
 * (see {@code dev.glasscast.media.Codec}). HEVC (libx265's output) uses the same start codes and
 * length prefixes, so {@link #splitAnnexB} and {@link #toLengthPrefixed(byte[], int, Codec)}
 * serve it too.
 */
final class H264Bitstream {

    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;
    static final int NAL_AUD = 9;

    private H264Bitstream() {
    }

    /** The NAL units of an Annex B buffer, without start codes. Empty units are skipped. */
    static List<byte[]> splitAnnexB(byte[] data, int length) {
        List<byte[]> units = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    addTrimmed(units, data, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            addTrimmed(units, data, start, length);
        }
        return units;
    }

    // The zero before a four-byte start code belongs to the start code, not to the NAL unit
    // (a NAL unit's last byte is never zero: it ends with rbsp_stop_one_bit).
    private static void addTrimmed(List<byte[]> units, byte[] data, int from, int to) {
        while (to > from && data[to - 1] == 0) {
            to--;
        }
        if (to > from) {
            byte[] unit = new byte[to - from];
            System.arraycopy(data, from, unit, 0, unit.length);
            units.add(unit);
        }
    }

    static int nalType(byte[] unit) {
        return unit[0] & 0x1f;
    }

    /**
     * Annex B to 4-byte length prefixes. Access unit delimiters are dropped (the container's
     * framing replaces them), as are parameter sets, which live in the avcC.
     */
    static byte[] toLengthPrefixed(byte[] annexB, int length) {
        return toLengthPrefixed(annexB, length, Codec.H264);
    }

    /**
     * The same for H.264 or HEVC, whose NAL headers differ: HEVC's type is bits 1–6 of the first
     * byte (an IDR_N_LP slice, type 20, reads as an H.264 PPS through H.264's mask), and its
     * VPS, SPS, PPS and delimiters are 32–35.
     */
    static byte[] toLengthPrefixed(byte[] annexB, int length, Codec codec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
        for (byte[] unit : splitAnnexB(annexB, length)) {
            boolean dropped = codec == Codec.H265
                    ? HevcSps.nalType(unit[0]) >= HevcSps.NAL_VPS && HevcSps.nalType(unit[0]) <= HevcSps.NAL_AUD
                    : nalType(unit) == NAL_AUD || nalType(unit) == NAL_SPS || nalType(unit) == NAL_PPS;
            if (dropped) {
                continue;
            }
            out.write(unit.length >>> 24);
            out.write(unit.length >>> 16);
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.write(unit, 0, unit.length);
        }
        return out.toByteArray();
    }

    /**
     * The AVCDecoderConfigurationRecord for the parameter sets found in an Annex B buffer
     * (libx264's global header), per ISO/IEC 14496-15 5.3.3.1.2:
     * <pre>
     * configurationVersion = 1; AVCProfileIndication; profile_compatibility; AVCLevelIndication;
     * bit(6) reserved = '111111'b; unsigned int(2) lengthSizeMinusOne;
     * bit(3) reserved = '111'b; unsigned int(5) numOfSequenceParameterSets; {u16 length; SPS}
     * unsigned int(8) numOfPictureParameterSets; {u16 length; PPS}
     * if (profile_idc == 100 || 110 || 122 || 144) { chroma_format, bit depths, numOfSequenceParameterSetExt }
     * </pre>
     * The high-profile tail states 4:2:0 at 8 bits, which is what the transcoder feeds x264.
     *
     * @throws IllegalArgumentException if there is no SPS or no PPS
     */
    static byte[] avcDecoderConfigurationRecord(byte[] annexB, int length) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] unit : splitAnnexB(annexB, length)) {
            switch (nalType(unit)) {
                case NAL_SPS -> sps.add(unit);
                case NAL_PPS -> pps.add(unit);
                default -> {
                    // SEI and anything else belong in the stream, not the record.
                }
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.getFirst().length < 4) {
            throw new IllegalArgumentException("no SPS and PPS in the encoder's global header");
        }
        byte[] first = sps.getFirst();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(first[1]);
        out.write(first[2]);
        out.write(first[3]);
        out.write(0xff);
        out.write(0xe0 | sps.size());
        for (byte[] unit : sps) {
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.write(unit, 0, unit.length);
        }
        out.write(pps.size());
        for (byte[] unit : pps) {
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.write(unit, 0, unit.length);
        }
        int profile = first[1] & 0xff;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            out.write(0xfc | 1);
            out.write(0xf8);
            out.write(0xf8);
            out.write(0);
        }
        return out.toByteArray();
    }
}
