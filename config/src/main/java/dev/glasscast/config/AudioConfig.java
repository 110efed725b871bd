package dev.glasscast.config;

/**
 * The audio of every rendition: made once per stream and shared by all rungs (the
 * {@code audio} rendition).
 *
 * @param codec   {@code copy}: pass the source's AAC through untouched; {@code aac}: decode the
 *                source once and encode it to AAC-LC at {@code bitrate}
 * @param bitrate AAC bits per second when {@code codec} is {@code aac}
 */
public record AudioConfig(String codec, long bitrate) {

    public boolean isCopy() {
        return "copy".equals(codec);
    }
}
