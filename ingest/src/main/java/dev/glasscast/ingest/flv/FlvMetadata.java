package dev.glasscast.ingest.flv;

import java.util.Map;

/**
 * What GlassCast reads from an {@code onMetaData} script object (FLV specification v10 E.5):
 * which codecs the publisher announces and the nominal frame rate and bitrates.
 *
 * @param videoCodecId   FLV CodecID of the video ({@code videocodecid}; FourCC {@code avc1}, as text
 *                       or number, maps to 7; other FourCCs to 99), or -1 when there is no video
 * @param audioCodecId   FLV SoundFormat of the audio ({@code audiocodecid}; {@code mp4a} maps to
 *                       10), or -1 when there is no audio
 * @param width          {@code width} in pixels, or 0
 * @param height         {@code height} in pixels, or 0
 * @param frameRate      {@code framerate}, or 0
 * @param videoBitrate   {@code videodatarate} in bit/s (the field is kbit/s), or 0
 * @param audioBitrate   {@code audiodatarate} in bit/s, or 0
 */
public record FlvMetadata(int videoCodecId, int audioCodecId, int width, int height, double frameRate,
                          long videoBitrate, long audioBitrate) {

    public static FlvMetadata from(Map<String, ?> properties) {
        return new FlvMetadata(
                videoCodecId(properties.get("videocodecid")),
                codecId(properties.get("audiocodecid"), "mp4a", FlvAudioTag.FORMAT_AAC),
                (int) number(properties.get("width")),
                (int) number(properties.get("height")),
                number(properties.get("framerate")),
                (long) (number(properties.get("videodatarate")) * 1000),
                (long) (number(properties.get("audiodatarate")) * 1000));
    }

    public boolean hasVideo() {
        return videoCodecId >= 0;
    }

    public boolean hasAudio() {
        return audioCodecId >= 0;
    }

    private static int videoCodecId(Object value) {
        int hevc = codecId(value, FlvVideoTag.FOURCC_HEVC, FlvVideoTag.CODEC_HEVC);
        return hevc == FlvVideoTag.CODEC_HEVC ? hevc : codecId(value, FlvVideoTag.FOURCC_AVC, FlvVideoTag.CODEC_AVC);
    }

    private static int codecId(Object value, String fourCc, int id) {
        if (value instanceof Number number) {
            // Enhanced RTMP encoders (OBS 30+) may also write the FourCC as a number.
            long code = number.longValue();
            long fourCcCode = ((long) fourCc.charAt(0) << 24) | (fourCc.charAt(1) << 16) | (fourCc.charAt(2) << 8) | fourCc.charAt(3);
            if (code == fourCcCode) {
                return id;
            }
            return code >= 0 && code < 16 ? (int) code : 99;
        }
        if (value instanceof String text) {
            // Enhanced RTMP writes FourCCs; anything but the one FLV id we map stays "unknown" (99).
            return text.equals(fourCc) ? id : 99;
        }
        return -1;
    }

    private static double number(Object value) {
        if (value instanceof Number number && Double.isFinite(number.doubleValue()) && number.doubleValue() > 0) {
            return number.doubleValue();
        }
        return 0;
    }
}
