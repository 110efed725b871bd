package dev.glasscast.packager.window;

/**
 * One fMP4 fragment (moof + mdat) of a segment: the unit an LL-HLS part or LL-DASH chunk is
 * served from.
 *
 * @param startTime   decode time of the first sample, in the rendition's output timescale
 * @param duration    in the output timescale
 * @param independent true when the part starts with a sync sample (a key frame, or any audio)
 * @param bytes       the fragment
 */
public record SegmentPart(long startTime, long duration, boolean independent, SegmentBytes bytes) {

    public int size() {
        return bytes.size();
    }
}
