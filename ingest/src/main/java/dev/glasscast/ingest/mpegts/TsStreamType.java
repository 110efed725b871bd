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
}
