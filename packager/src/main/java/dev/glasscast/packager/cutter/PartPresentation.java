package dev.glasscast.packager.cutter;

import dev.glasscast.packager.fmp4.Fmp4Sample;
import java.util.Arrays;
import java.util.List;

/**
 * When the samples of one part present: each from its decode time plus its composition offset,
 * for its duration. {@link Fmp4Cutter} asks at a break whether its last picture would present
 * after a hole. A pure function of the part; thread-safe.
 */
final class PartPresentation {

    private PartPresentation() {
    }

    /**
     * Where the part's pictures, from its earliest, stop presenting without a hole; gaps up to
     * {@code tolerance} (rounding slivers) are no hole.
     *
     * @param partStart the decode time of the part's first sample
     * @param samples   the part's samples in decode order, at least one
     */
    static long contiguousEnd(long partStart, List<Fmp4Sample> samples, long tolerance) {
        long[][] spans = new long[samples.size()][];
        long decodeTime = partStart;
        for (int i = 0; i < samples.size(); i++) {
            Fmp4Sample sample = samples.get(i);
            long pts = decodeTime + sample.compositionOffset();
            spans[i] = new long[] {pts, pts + sample.duration()};
            decodeTime += sample.duration();
        }
        Arrays.sort(spans, (a, b) -> Long.compare(a[0], b[0]));
        long end = spans[0][1];
        for (long[] span : spans) {
            if (span[0] > end + tolerance) {
                break;
            }
            end = Math.max(end, span[1]);
        }
        return end;
    }

    /** The earliest presentation time in the part after {@code pts}, or {@link Long#MAX_VALUE}. */
    static long nextAfter(long partStart, List<Fmp4Sample> samples, long pts) {
        long next = Long.MAX_VALUE;
        long decodeTime = partStart;
        for (Fmp4Sample sample : samples) {
            long presented = decodeTime + sample.compositionOffset();
            if (presented > pts) {
                next = Math.min(next, presented);
            }
            decodeTime += sample.duration();
        }
        return next;
    }
}
