package dev.glasscast.media;

/**
 * The codecs GlassCast carries from ingest to the packager.
 *
 * <p>Payload conventions for {@link AccessUnit#data()}:
 * <ul>
 *   <li>{@link #H264} and {@link #H265}: NAL units each prefixed by a 4-byte big-endian length
 *       (the ISO/IEC 14496-15 "AVCC" form used in MP4), never Annex B start codes.</li>
 *   <li>{@link #AV1}: one temporal unit of OBUs, each with its size field (the low-overhead
 *       format of the AV1 ISOBMFF binding).</li>
 *   <li>{@link #AAC}: one raw AAC frame, without an ADTS header.</li>
 * </ul>
 * Codec configuration ({@link TrackInfo#codecConfig()}) is the AVCDecoderConfigurationRecord,
 * the HEVCDecoderConfigurationRecord, the AV1CodecConfigurationRecord, or the AudioSpecificConfig
 * respectively.
 */
public enum Codec {
    H264(MediaKind.VIDEO),
    H265(MediaKind.VIDEO),
    /** Decoded and encoded to H.264 for players; never packaged as it is. */
    AV1(MediaKind.VIDEO),
    AAC(MediaKind.AUDIO);

    private final MediaKind kind;

    Codec(MediaKind kind) {
        this.kind = kind;
    }

    public MediaKind kind() {
        return kind;
    }
}
