package dev.glasscast.transcode;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import java.time.Duration;
import java.util.List;

/**
 * What the transcoder makes of a stream, read once when the stream is published.
 *
 * @param ladder           the rungs, in the operator's order
 * @param audio            the shared audio rendition: copied or encoded once to AAC
 * @param keyFrameInterval the longest stretch without a key frame on transcoded rungs: a key
 *                         frame is forced on every rung at the first source picture this long
 *                         after the last one (source key frames are always kept), so segments
 *                         of this length can be cut at the same time on every rung; usually
 *                         the segment duration
 * @param slate            what the renditions carry while the publisher is away
 */
public record TranscodeSettings(List<RungConfig> ladder, AudioConfig audio, Duration keyFrameInterval, SlateConfig slate) {

    /** Settings without a slate: renditions end with their source's publish. */
    public TranscodeSettings(List<RungConfig> ladder, AudioConfig audio, Duration keyFrameInterval) {
        this(ladder, audio, keyFrameInterval, new SlateConfig(false, SlateConfig.DEFAULT.color(), null,
                SlateConfig.DEFAULT.text(), SlateConfig.DEFAULT.timeout()));
    }

    public TranscodeSettings {
        ladder = List.copyOf(ladder);
        if (slate == null) {
            slate = SlateConfig.DEFAULT;
        }
        if (keyFrameInterval.isNegative() || keyFrameInterval.isZero()) {
            throw new IllegalArgumentException("keyFrameInterval must be positive: " + keyFrameInterval);
        }
    }

    /** The ladder, the audio section and the segment duration of a loaded configuration. */
    public static TranscodeSettings from(GlassCastConfig config) {
        return new TranscodeSettings(config.ladder(), config.audio(), config.packaging().segmentDuration(), config.slate());
    }
}
