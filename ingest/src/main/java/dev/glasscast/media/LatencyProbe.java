package dev.glasscast.media;

/**
 * Wall-clock marks of a video frame's way through the daemon, for the latency budget of
 * {@code bench/latency} ({@code budget.mjs} follows each frame the player showed back through
 * them). Off unless the daemon starts with {@code -Dglasscast.latencyProbe=FILE}: every stage
 * that marks gets its probe through its constructor, and {@link #OFF}, which records nothing,
 * is what they get otherwise, so a mark costs one call to an empty method.
 *
 * <p>A frame is known by its presentation time in the source's timescale (FLV milliseconds for
 * RTMP). Marks come from many threads at once (ingest event loops, the decode thread, each rung's
 * thread, each rendition's hub reader): implementations are thread-safe and never block for long.
 */
public interface LatencyProbe {

    /** Records nothing. */
    LatencyProbe OFF = new LatencyProbe() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void ingested(long pts) {
        }

        @Override
        public void decoded(long pts, long stamp) {
        }

        @Override
        public void encoded(String rung, long pts) {
        }

        @Override
        public void segmenterReceived(StreamPath rendition, long pts) {
        }

        @Override
        public void partCut(StreamPath rendition, long sequence, int part, long firstPts, long lastPts) {
        }

        @Override
        public String toString() {
            return "latency probe off";
        }
    };

    /**
     * Whether marks are recorded. A stage asks before work done only for a mark, such as reading
     * the publisher's stamp out of a decoded picture.
     */
    boolean enabled();

    /** A source video frame was parsed at ingest and is about to enter the hub. */
    void ingested(long pts);

    /**
     * The source frame came out of the decoder.
     *
     * @param stamp the wall clock the benchmark's publisher drew into the picture (epoch ms mod
     *              2^24), 0 if the picture carries none
     */
    void decoded(long pts, long stamp);

    /** A transcoded rung's encoder gave out the frame. */
    void encoded(String rung, long pts);

    /** The rendition's segmenter took the frame in (it holds each one back until the next comes). */
    void segmenterReceived(StreamPath rendition, long pts);

    /**
     * A part of a rendition was cut and published.
     *
     * @param sequence the media sequence number of the segment the part belongs to
     * @param part     the part's index within that segment
     * @param firstPts presentation time of the part's first frame
     * @param lastPts  presentation time of its last frame
     */
    void partCut(StreamPath rendition, long sequence, int part, long firstPts, long lastPts);
}
