package dev.glasscast.packager.fmp4;

import dev.glasscast.media.Codec;
import dev.glasscast.media.MediaKind;
import dev.glasscast.media.TrackInfo;
import java.util.Objects;

/**
 * The one track of a single-track fMP4 file, as written into its init segment.
 *
 * <p>The output timescale is {@value #VIDEO_TIMESCALE} for video (exact for every common frame
 * rate and for MPEG-TS / RTMP input) and the sample rate for audio (so every AAC frame lasts
 * exactly 1024 ticks), whatever the input timescale was.
 *
 * @param codec       {@link Codec#H264}, {@link Codec#H265} or {@link Codec#AAC}
 * @param timescale   ticks per second of every time in the file
 * @param width       picture width (video), else 0
 * @param height      picture height (video), else 0
 * @param sampleRate  samples per second (audio), else 0
 * @param channels    channel count (audio), else 0
 * @param bitrate     nominal bits per second, 0 if unknown
 * @param codecConfig the avcC or hvcC record, or the AudioSpecificConfig; never modified
 */
public record Fmp4Track(Codec codec, int timescale, int width, int height, int sampleRate, int channels,
                        long bitrate, byte[] codecConfig) {

    /** The fMP4 track_ID: one track per file, so always 1. */
    public static final int TRACK_ID = 1;

    /** Output timescale of video tracks. */
    public static final int VIDEO_TIMESCALE = 90_000;

    public Fmp4Track {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(codecConfig, "codecConfig");
        if (!isSupported(codec)) {
            throw new IllegalArgumentException("fMP4 writer supports H264, H265 and AAC, not " + codec);
        }
        if (timescale <= 0) {
            throw new IllegalArgumentException("timescale must be positive: " + timescale);
        }
    }

    public static boolean isSupported(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265 || codec == Codec.AAC;
    }

    /** The output description of an input track; the timescale is chosen as described above. */
    public static Fmp4Track of(TrackInfo track) {
        if (track.isVideo()) {
            return new Fmp4Track(track.codec(), VIDEO_TIMESCALE, track.width(), track.height(), 0, 0,
                    track.bitrate(), track.codecConfig());
        }
        int sampleRate = track.sampleRate() > 0 ? track.sampleRate() : track.timescale();
        return new Fmp4Track(track.codec(), sampleRate, 0, 0, sampleRate, track.channels(), track.bitrate(),
                track.codecConfig());
    }

    public boolean isVideo() {
        return codec.kind() == MediaKind.VIDEO;
    }
}
