package dev.glasscast.config;

/**
 * One rendition of the ABR ladder.
 *
 * @param name         rendition name in URLs, e.g. {@code 720p}
 * @param codec        {@code h264} (libx264) or {@code copy} (passthrough of the source)
 * @param width        output width, or 0 to keep the source aspect ratio from {@code height}
 * @param height       output height (even); ignored for {@code copy}
 * @param videoBitrate target video bits per second
 * @param maxrate      VBV max rate, bits per second (0: same as videoBitrate)
 * @param bufsize      VBV buffer, bits (0: twice videoBitrate)
 * @param maxFps       frame rate cap (0: source rate)
 * @param preset       x264 preset
 * @param profile      H.264 profile
 * @param level        H.264 level, e.g. {@code 4.1} (null: let x264 choose)
 * @param audioBitrate AAC bits per second for this rendition's audio
 */
public record RungConfig(
        String name,
        String codec,
        int width,
        int height,
        long videoBitrate,
        long maxrate,
        long bufsize,
        double maxFps,
        String preset,
        String profile,
        String level,
        long audioBitrate) {

    public boolean isCopy() {
        return "copy".equals(codec);
    }
}
