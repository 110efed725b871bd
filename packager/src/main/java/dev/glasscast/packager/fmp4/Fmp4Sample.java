package dev.glasscast.packager.fmp4;

import java.util.Objects;

/**
 * One sample of a media fragment, with times already in the output timescale.
 *
 * @param duration          ticks until the next sample's decode time
 * @param compositionOffset presentation time minus decode time, in ticks; may be negative
 * @param sync              true if a decoder can start at this sample (IDR, or any AAC frame)
 * @param data              the sample bytes (length-prefixed NAL units or a raw AAC frame);
 *                          borrowed, never modified
 */
public record Fmp4Sample(long duration, int compositionOffset, boolean sync, byte[] data) {

    public Fmp4Sample {
        Objects.requireNonNull(data, "data");
        if (duration < 0 || duration > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sample duration out of range: " + duration);
        }
    }
}
