package dev.glasscast.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a consumer must know about a track before its first access unit: the codec, the
 * timescale of its timestamps, its picture or sound format and the codec configuration.
 *
 * @param trackId     unique within one stream; stable while the stream is live
 * @param codec       the codec; see {@link Codec} for the payload conventions
 * @param timescale   ticks per second of every timestamp of this track's access units
 * @param width       coded picture width in pixels (video), else 0
 * @param height      coded picture height in pixels (video), else 0
 * @param frameRate   nominal frames per second (video) if known, else 0
 * @param sampleRate  samples per second (audio), else 0
 * @param channels    channel count (audio), else 0
 * @param bitrate     nominal bits per second if known, else 0
 * @param codecConfig the decoder configuration record (see {@link Codec}); never modified
 */
public record TrackInfo(
        int trackId,
        Codec codec,
        int timescale,
        int width,
        int height,
        double frameRate,
        int sampleRate,
        int channels,
        long bitrate,
        byte[] codecConfig) {

    public TrackInfo {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(codecConfig, "codecConfig");
        if (timescale <= 0) {
            throw new IllegalArgumentException("timescale must be positive: " + timescale);
        }
    }

    public static TrackInfo video(int trackId, Codec codec, int timescale, int width, int height,
                                  double frameRate, long bitrate, byte[] codecConfig) {
        return new TrackInfo(trackId, codec, timescale, width, height, frameRate, 0, 0, bitrate, codecConfig);
    }

    public static TrackInfo audio(int trackId, Codec codec, int timescale, int sampleRate, int channels,
                                  long bitrate, byte[] codecConfig) {
        return new TrackInfo(trackId, codec, timescale, 0, 0, 0, sampleRate, channels, bitrate, codecConfig);
    }

    public MediaKind kind() {
        return codec.kind();
    }

    public boolean isVideo() {
        return codec.kind() == MediaKind.VIDEO;
    }

    /**
     * Whether a decoder and an init segment made for {@code other} serve this track too: same
     * codec, timescale, picture or sound format and codec configuration. A track that differs
     * starts a new period downstream; the nominal bitrate and frame rate do not count.
     */
    public boolean sameCodecParameters(TrackInfo other) {
        return other != null && codec == other.codec && timescale == other.timescale && width == other.width
                && height == other.height && sampleRate == other.sampleRate && channels == other.channels
                && Arrays.equals(codecConfig, other.codecConfig);
    }

    public TrackInfo withBitrate(long newBitrate) {
        return new TrackInfo(trackId, codec, timescale, width, height, frameRate, sampleRate, channels,
                newBitrate, codecConfig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackInfo t
                && trackId == t.trackId && codec == t.codec && timescale == t.timescale
                && width == t.width && height == t.height && Double.compare(frameRate, t.frameRate) == 0
                && sampleRate == t.sampleRate && channels == t.channels && bitrate == t.bitrate
                && Arrays.equals(codecConfig, t.codecConfig);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trackId, codec, timescale, width, height, sampleRate, channels, Arrays.hashCode(codecConfig));
    }

    @Override
    public String toString() {
        return isVideo()
                ? "TrackInfo[" + trackId + " " + codec + " " + width + "x" + height + " @" + frameRate + " ts=" + timescale + "]"
                : "TrackInfo[" + trackId + " " + codec + " " + sampleRate + "Hz x" + channels + " ts=" + timescale + "]";
    }
}
