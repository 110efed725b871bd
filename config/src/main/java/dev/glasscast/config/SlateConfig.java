package dev.glasscast.config;

import java.time.Duration;

/**
 * What viewers see while a stream's publisher is away: every rendition carries a still picture
 * (a colour or an image, with a line of text) and silent audio, so players keep playing instead
 * of stalling; when the publisher is back the live picture returns at the next segment.
 *
 * @param enabled whether renditions outlive a stalled or disconnected publisher at all; when
 *                false they end with the publish, as without a slate
 * @param color   the background, {@code #RRGGBB}
 * @param image   a PNG or JPEG file drawn over the background, scaled to fit; null for none
 * @param text    the line written in the middle of the picture; empty for none
 * @param timeout how long the slate runs before the renditions end (the stream becomes VOD)
 */
public record SlateConfig(boolean enabled, String color, String image, String text, Duration timeout) {

    /** What {@code slate} is when a caller does not say. */
    public static final SlateConfig DEFAULT = new SlateConfig(true, "#1a1a2e", null, "Back soon", Duration.ofSeconds(60));

    /** The background as 0xRRGGBB; the validator has checked the form. */
    public int rgb() {
        return Integer.parseInt(color.substring(1), 16);
    }
}
