package dev.glasscast.media.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between the two framings of H.264/H.265 NAL units: Annex B start codes (MPEG-TS,
 * encoders) and 4-byte length prefixes (MP4, FLV, and GlassCast's {@code AccessUnit}s).
 */
public final class NalUnits {

    public static final int H264_NAL_SLICE_IDR = 5;
    public static final int H264_NAL_SEI = 6;
    public static final int H264_NAL_SPS = 7;
    public static final int H264_NAL_PPS = 8;
    public static final int H264_NAL_AUD = 9;

    private NalUnits() {
    }

    /** H.264 nal_unit_type of a NAL unit's first byte. */
    public static int h264Type(byte header) {
        return header & 0x1F;
    }

    /** Splits an Annex B byte stream into NAL units (without start codes). */
    public static List<byte[]> splitAnnexB(byte[] data, int offset, int length) {
        List<byte[]> units = new ArrayList<>();
        int end = offset + length;
        int start = -1;
        int i = offset;
        while (i + 2 < end) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    units.add(copyTrimmed(data, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < end) {
            units.add(copyTrimmed(data, start, end));
        } else if (start < 0 && length > 0) {
            throw new IllegalArgumentException("no Annex B start code");
        }
        units.removeIf(u -> u.length == 0);
        return units;
    }

    /** Splits 4-byte-length-prefixed NAL units; a length running past the end is an error. */
    public static List<byte[]> splitLengthPrefixed(byte[] data) {
        List<byte[]> units = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            if (i + 4 > data.length) {
                throw new IllegalArgumentException("truncated NAL length at " + i);
            }
            int size = ((data[i] & 0xFF) << 24) | ((data[i + 1] & 0xFF) << 16) | ((data[i + 2] & 0xFF) << 8) | (data[i + 3] & 0xFF);
            i += 4;
            if (size < 0 || size > data.length - i) {
                throw new IllegalArgumentException("NAL length " + size + " runs past the end at " + i);
            }
            byte[] unit = new byte[size];
            System.arraycopy(data, i, unit, 0, size);
            units.add(unit);
            i += size;
        }
        return units;
    }

    public static byte[] toLengthPrefixed(List<byte[]> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.write(unit.length >>> 24);
            out.write(unit.length >>> 16);
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    public static byte[] toAnnexB(List<byte[]> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    /** Removes emulation prevention bytes (00 00 03 → 00 00), giving the raw RBSP. */
    public static byte[] unescapeRbsp(byte[] nal, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = nal[i];
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] copyTrimmed(byte[] data, int from, int to) {
        // A 4-byte start code leaves one trailing zero on the previous unit.
        while (to > from && data[to - 1] == 0) {
            to--;
        }
        byte[] unit = new byte[to - from];
        System.arraycopy(data, from, unit, 0, unit.length);
        return unit;
    }
}
