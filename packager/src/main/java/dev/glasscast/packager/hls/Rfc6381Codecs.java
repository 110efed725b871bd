package dev.glasscast.packager.hls;

import dev.glasscast.media.TrackInfo;
import java.util.HexFormat;

/**
 * The RFC 6381 {@code CODECS} value of a track, as HLS (and DASH) announce it:
 * {@code avc1.PPCCLL} from the avcC record's profile, compatibility and level bytes, and
 * {@code mp4a.40.N} from the AudioSpecificConfig's audio object type.
 */
public final class Rfc6381Codecs {

    /** Profile 66, level 3.0 (Baseline), for a track whose avcC record is too short to read. */
    private static final String AVC_FALLBACK = "avc1.42001e";
    private static final String AAC_LC = "mp4a.40.2";
    private static final int AUDIO_OBJECT_TYPE_ESCAPE = 31;

    private Rfc6381Codecs() {
    }

    public static String of(TrackInfo track) {
        return switch (track.codec()) {
            case H264 -> avc(track.codecConfig());
            case AAC -> aac(track.codecConfig());
            case H265, AV1 -> throw new IllegalArgumentException("no codec string for " + track.codec()
                    + ": the transcoder gives players H.264");
        };
    }

    /**
     * <pre>
     * aligned(8) class AVCDecoderConfigurationRecord {
     *     unsigned int(8) configurationVersion = 1; unsigned int(8) AVCProfileIndication;
     *     unsigned int(8) profile_compatibility;    unsigned int(8) AVCLevelIndication; ...
     * </pre>
     */
    static String avc(byte[] avcC) {
        if (avcC.length < 4) {
            return AVC_FALLBACK;
        }
        return "avc1." + HexFormat.of().formatHex(avcC, 1, 4);
    }

    /**
     * ISO/IEC 14496-3 AudioSpecificConfig: {@code audioObjectType = 5 bits; if (audioObjectType
     * == 31) audioObjectType = 32 + 6 bits}.
     */
    static String aac(byte[] audioSpecificConfig) {
        if (audioSpecificConfig.length < 1) {
            return AAC_LC;
        }
        int objectType = (audioSpecificConfig[0] & 0xFF) >>> 3;
        if (objectType == AUDIO_OBJECT_TYPE_ESCAPE) {
            if (audioSpecificConfig.length < 2) {
                return AAC_LC;
            }
            int bits = (audioSpecificConfig[0] & 0xFF) << 8 | (audioSpecificConfig[1] & 0xFF);
            objectType = 32 + ((bits >>> 5) & 0x3F);
        }
        return "mp4a.40." + objectType;
    }
}
