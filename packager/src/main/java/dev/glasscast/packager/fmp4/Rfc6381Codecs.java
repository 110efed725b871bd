package dev.glasscast.packager.fmp4;

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
    /** Main profile, level 3.1: what a record too short to read most likely holds. */
    private static final String HEVC_FALLBACK = "hvc1.1.6.L93.B0";
    private static final int AUDIO_OBJECT_TYPE_ESCAPE = 31;

    private Rfc6381Codecs() {
    }

    public static String of(TrackInfo track) {
        return switch (track.codec()) {
            case H264 -> avc(track.codecConfig());
            case AAC -> aac(track.codecConfig());
            case H265 -> hevc(track.codecConfig());
            case AV1 -> throw new IllegalArgumentException("no codec string for AV1: the transcoder gives players H.264");
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
     * ISO/IEC 14496-15 Annex E.3, from the HEVCDecoderConfigurationRecord's profile, tier and level:
     * {@code hvc1.[A|B|C]<profile_idc>.<compatibility flags, bit-reversed, hex>.<L|H><level_idc>}
     * then the six constraint bytes in hex, trailing zero bytes left out (e.g. {@code hvc1.1.6.L93.B0}).
     * <pre>
     * unsigned int(8) configurationVersion; unsigned int(2) general_profile_space;
     * unsigned int(1) general_tier_flag; unsigned int(5) general_profile_idc;
     * unsigned int(32) general_profile_compatibility_flags; unsigned int(48) general_constraint_indicator_flags;
     * unsigned int(8) general_level_idc; ...
     * </pre>
     */
    static String hevc(byte[] hvcC) {
        if (hvcC.length < 13) {
            return HEVC_FALLBACK;
        }
        int profileSpace = (hvcC[1] & 0xFF) >>> 6;
        boolean highTier = (hvcC[1] & 0x20) != 0;
        int profile = hvcC[1] & 0x1F;
        int compatibility = (hvcC[2] & 0xFF) << 24 | (hvcC[3] & 0xFF) << 16 | (hvcC[4] & 0xFF) << 8 | (hvcC[5] & 0xFF);
        StringBuilder codec = new StringBuilder("hvc1.");
        if (profileSpace > 0) {
            codec.append((char) ('A' + profileSpace - 1));
        }
        codec.append(profile).append('.').append(Integer.toHexString(Integer.reverse(compatibility)).toUpperCase(java.util.Locale.ROOT))
                .append('.').append(highTier ? 'H' : 'L').append(hvcC[12] & 0xFF);
        int lastConstraint = 11;
        while (lastConstraint >= 6 && hvcC[lastConstraint] == 0) {
            lastConstraint--;
        }
        for (int i = 6; i <= lastConstraint; i++) {
            codec.append('.').append(HexFormat.of().withUpperCase().toHexDigits(hvcC[i]));
        }
        return codec.toString();
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
