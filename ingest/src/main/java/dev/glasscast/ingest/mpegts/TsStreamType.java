package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.Codec;

/** The PMT stream_type values (ISO/IEC 13818-1 Table 2-34) GlassCast turns into tracks. */
enum TsStreamType {
    AAC_ADTS(0x0F, Codec.AAC),
    H264(0x1B, Codec.H264),
    H265(0x24, Codec.H265);

    final int code;
    final Codec codec;

    TsStreamType(int code, Codec codec) {
        this.code = code;
        this.codec = codec;
    }

    /** The type for {@code code}, or null for stream types GlassCast ignores (e.g. SCTE-35, MP3). */
    static TsStreamType of(int code) {
        for (TsStreamType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    /**
     * The name of an audio or video stream_type (ISO/IEC 13818-1 table 2-34, ATSC A/52) that
     * GlassCast does not take; null for types that are not media or are taken.
     */
    static String unsupportedMediaName(int code) {
        return switch (code) {
            case 0x01 -> "MPEG-1 video";
            case 0x02 -> "MPEG-2 video";
            case 0x03 -> "MPEG-1 audio (MP2/MP3)";
            case 0x04 -> "MPEG-2 audio (MP2/MP3)";
            case 0x10 -> "MPEG-4 Part 2 video";
            case 0x11 -> "AAC in LATM";
            case 0x42 -> "AVS video";
            case 0x81 -> "AC-3 audio";
            case 0x87 -> "E-AC-3 audio";
            case 0xEA -> "VC-1 video";
            default -> null;
        };
    }
}
