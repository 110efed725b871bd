package dev.glasscast.ingest.flv;

import dev.glasscast.media.Codec;
import dev.glasscast.media.codec.Av1SequenceHeader;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.H264Sps;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import dev.glasscast.media.codec.NalUnits;
import java.util.Arrays;
import java.util.List;

/**
 * What a video sequence header (or parameter sets sent in-band) says about the track: the codec,
 * the configuration record GlassCast passes on (always with 4-byte NAL lengths, as
 * {@link Codec} requires), how long the publisher's own NAL length prefixes are, and the picture.
 *
 * @param record         avcC or hvcC with 4-byte NAL lengths, for {@code TrackInfo.codecConfig}
 * @param nalLengthSize  the length prefix size of the publisher's frames (1, 2 or 4 bytes)
 * @param frameRate      from the SPS timing information, or 0 when it has none
 * @param parameterSets  the VPS (HEVC), SPS and PPS in the record, to compare with in-band ones
 */
record FlvVideoConfig(Codec codec, byte[] record, int nalLengthSize, int width, int height, double frameRate,
                      List<byte[]> parameterSets) {

    /** @throws IllegalArgumentException when the record or its SPS cannot be read */
    static FlvVideoConfig avc(byte[] record) {
        AvcDecoderConfig config = AvcDecoderConfig.parse(record);
        H264Sps sps = config.parsedSps();
        byte[] fourByte = config.nalLengthSize() == 4 ? record
                : new AvcDecoderConfig(config.profile(), config.compatibility(), config.level(), 4, config.sps(),
                        config.pps()).toBytes();
        return new FlvVideoConfig(Codec.H264, fourByte, config.nalLengthSize(), sps.width(), sps.height(),
                sps.frameRate(), concat(config.sps(), config.pps()));
    }

    /** @throws IllegalArgumentException when the record or its SPS cannot be read */
    static FlvVideoConfig hevc(byte[] record) {
        HevcDecoderConfig.ParameterSets sets = HevcDecoderConfig.parse(record);
        return hevc(sets.nalLengthSize(), sets.vps().getFirst(), sets.sps().getFirst(), sets.pps().getFirst());
    }

    /**
     * AV1 frames are OBUs, not length-prefixed NAL units: {@link #nalLengthSize()} is 0 and
     * nothing is re-framed or followed in-band.
     *
     * @throws IllegalArgumentException when the record holds no readable sequence header
     */
    static FlvVideoConfig av1(byte[] record) {
        Av1SequenceHeader header = Av1SequenceHeader.fromConfigRecord(record);
        return new FlvVideoConfig(Codec.AV1, record, 0, header.width(), header.height(), 0, List.of());
    }

    private static FlvVideoConfig hevc(int nalLengthSize, byte[] vps, byte[] sps, byte[] pps) {
        HevcSps parsed;
        byte[] fourByte;
        try {
            parsed = HevcSps.parse(sps);
            fourByte = HevcDecoderConfig.toBytes(vps, sps, pps);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable HEVC SPS: " + e.getMessage(), e);
        }
        return new FlvVideoConfig(Codec.H265, fourByte, nalLengthSize, parsed.width(), parsed.height(), 0,
                List.of(vps, sps, pps));
    }

    /**
     * The configuration that parameter sets found in a key frame (4-byte lengths) describe, when
     * they differ from this one; null when there are none or they are the same.
     *
     * @throws IllegalArgumentException when the new parameter sets cannot be read
     */
    FlvVideoConfig followInBand(byte[] fourByteLengthFrame) {
        if (codec == Codec.AV1) {
            return null;
        }
        byte[][] found = new byte[3][];
        boolean any = false;
        for (byte[] nal : NalUnits.splitLengthPrefixed(fourByteLengthFrame)) {
            int slot = nal.length == 0 ? -1 : parameterSetSlot(nal[0]);
            if (slot >= 0) {
                found[slot] = nal;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        if (codec == Codec.H264) {
            List<byte[]> sps = found[1] == null ? List.of(parameterSets.getFirst()) : List.of(found[1]);
            List<byte[]> pps = found[2] == null ? List.of(parameterSets.getLast()) : List.of(found[2]);
            if (same(concat(sps, pps), parameterSets)) {
                return null;
            }
            // The publisher's frames keep their length prefix size; only the parameter sets changed.
            return avc(AvcDecoderConfig.of(sps, pps).toBytes()).withNalLengthSize(nalLengthSize);
        }
        byte[] vps = found[0] == null ? parameterSets.get(0) : found[0];
        byte[] sps = found[1] == null ? parameterSets.get(1) : found[1];
        byte[] pps = found[2] == null ? parameterSets.get(2) : found[2];
        if (same(List.of(vps, sps, pps), parameterSets)) {
            return null;
        }
        return hevc(nalLengthSize, vps, sps, pps);
    }

    /** 0 VPS, 1 SPS, 2 PPS, or -1 for any other NAL unit of this codec. */
    private int parameterSetSlot(byte header) {
        if (codec == Codec.H264) {
            int type = NalUnits.h264Type(header);
            return type == NalUnits.H264_NAL_SPS ? 1 : type == NalUnits.H264_NAL_PPS ? 2 : -1;
        }
        return switch (HevcSps.nalType(header)) {
            case HevcSps.NAL_VPS -> 0;
            case HevcSps.NAL_SPS -> 1;
            case HevcSps.NAL_PPS -> 2;
            default -> -1;
        };
    }

    private FlvVideoConfig withNalLengthSize(int size) {
        return new FlvVideoConfig(codec, record, size, width, height, frameRate, parameterSets);
    }

    private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
