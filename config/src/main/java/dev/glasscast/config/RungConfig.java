package dev.glasscast.config;

/**
 * One rendition of the ABR ladder.
 *
 * @param name         rendition name in URLs, e.g. {@code 720p}
 * @param codec        {@code h264} (libx264) or {@code copy} (passthrough of the source); GlassCast
 *                     itself also makes {@code h265} (libx265) rungs, to keep an HEVC source's
 *                     passthrough rendition advancing when a later publisher sends H.264 (not
 *                     accepted in the YAML); {@code auto} stands for the rungs the transcoder
 *                     chooses from the source and this machine's encoder speed
 *                     ({@code ladder: auto}; only its preset and audio bitrate are read)
 * @param width        output width, or 0 to keep the source aspect ratio from {@code height}
 * @param height       output height (even); ignored for {@code copy}
 * @param videoBitrate target video bits per second
 * @param maxrate      VBV max rate, bits per second (0: same as videoBitrate)
 * @param bufsize      VBV buffer, bits (0: twice videoBitrate)
 * @param maxFps       frame rate cap (0: source rate)
 * @param preset       x264 preset
 * @param profile      H.264 profile
 * @param level        H.264 level, e.g. {@code 4.1} (null: let x264 choose)
 * @param audioBitrate the audio bits per second this rung's viewers also receive, counted in the
 *                     bandwidth a playlist advertises for the rung; the audio itself is made once
 *                     for all rungs (see {@link AudioConfig})
 * @param bframes      B-frames between reference frames, 0 to 16; 0 (the default) keeps
 *                     encoding latency at one picture, more saves bits at the cost of latency
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
        long audioBitrate,
        int bframes) {

    /** The constructor from before {@code bframes} existed: no B-frames. */
    public RungConfig(String name, String codec, int width, int height, long videoBitrate, long maxrate, long bufsize,
                      double maxFps, String preset, String profile, String level, long audioBitrate) {
        this(name, codec, width, height, videoBitrate, maxrate, bufsize, maxFps, preset, profile, level, audioBitrate, 0);
    }

    public boolean isCopy() {
        return "copy".equals(codec);
    }

    public boolean isAuto() {
        return "auto".equals(codec);
    }

    public boolean isHevc() {
        return "h265".equals(codec);
    }

    /** The VBV max rate x264 gets: {@code maxrate}, or the target bitrate when unset. */
    public long effectiveMaxrate() {
        return maxrate > 0 ? maxrate : videoBitrate;
    }

    /** The VBV buffer x264 gets: {@code bufsize}, or twice the target bitrate when unset. */
    public long effectiveBufsize() {
        return bufsize > 0 ? bufsize : 2 * videoBitrate;
    }

    /**
     * The picture width for a source of the given size: {@code width}, or when it is 0 the width
     * that keeps the source's aspect ratio at {@code height}, rounded to an even number (the
     * encoder's 4:2:0 chroma needs even sizes).
     */
    public int outputWidth(int sourceWidth, int sourceHeight) {
        if (width > 0) {
            return width;
        }
        long scaled = Math.round((double) sourceWidth * height / sourceHeight);
        return (int) Math.max(2, scaled + (scaled & 1));
    }
}
