package dev.glasscast.transcode;

import dev.glasscast.media.HandoffQueue;

/**
 * Bounds on the transcoder's queues and threads. The queues bound latency as much as memory:
 * whatever waits in them is late by that much.
 *
 * @param decodeQueueUnits source video units waiting for the decode thread; default 60 (2 s at
 *                         30 fps). Beyond it, units are dropped up to the next key frame
 * @param rungQueueFrames  decoded pictures waiting for one rung's encoder; default 8. When a
 *                         rung's queue is full the picture is dropped for that rung and every
 *                         larger one (the largest rungs cost most and matter least when the
 *                         machine cannot keep up); key frames are never dropped but replace
 *                         the oldest waiting picture, so IDRs stay aligned
 * @param audioQueueUnits  source audio units waiting for the AAC transcoder; default 200
 * @param overload         what a full queue does: {@link Overload#DROP} in a live server,
 *                         {@link Overload#WAIT} for offline work (tests, benchmarks) where
 *                         every frame must come out
 * @param decoderThreads   libavcodec decoder threads per stream; 0 lets FFmpeg choose
 * @param encoderThreads   x264 threads per rung; 0 shares the machine's cores out among the rungs
 *                         by their pixels ({@link #encoderThreadsFor})
 * @param pace             how quickly a live rung steps its encoder down when it falls behind
 *                         real time, and back up ({@link RungPace}); offline work
 *                         ({@link Overload#WAIT}) never steps
 */
public record TranscodeLimits(int decodeQueueUnits, int rungQueueFrames, int audioQueueUnits, Overload overload,
                              int decoderThreads, int encoderThreads, RungPace.Timing pace) {

    /** What a producer does when a consumer's queue is full. */
    public enum Overload {
        /** Drop and count; never stall the producer (live). */
        DROP,
        /** Block the producer until there is room (offline work only). */
        WAIT;

        HandoffQueue.WhenFull whenFull() {
            return this == DROP ? HandoffQueue.WhenFull.DROP : HandoffQueue.WhenFull.WAIT;
        }
    }

    public TranscodeLimits {
        if (decodeQueueUnits < 1 || rungQueueFrames < 1 || audioQueueUnits < 1) {
            throw new IllegalArgumentException("queue bounds must be at least 1");
        }
        if (pace == null) {
            pace = RungPace.Timing.DEFAULT;
        }
        if (decoderThreads < 0 || encoderThreads < 0) {
            throw new IllegalArgumentException("thread counts must not be negative");
        }
    }

    /** The live defaults. */
    public static TranscodeLimits defaults() {
        return new TranscodeLimits(60, 8, 200, Overload.DROP, 0, 0, RungPace.Timing.DEFAULT);
    }

    public TranscodeLimits withOverload(Overload newOverload) {
        return new TranscodeLimits(decodeQueueUnits, rungQueueFrames, audioQueueUnits, newOverload, decoderThreads,
                encoderThreads, pace);
    }

    public TranscodeLimits withRungQueueFrames(int frames) {
        return new TranscodeLimits(decodeQueueUnits, frames, audioQueueUnits, overload, decoderThreads, encoderThreads,
                pace);
    }

    TranscodeLimits withPace(RungPace.Timing newPace) {
        return new TranscodeLimits(decodeQueueUnits, rungQueueFrames, audioQueueUnits, overload, decoderThreads,
                encoderThreads, newPace);
    }

    /**
     * The x264 threads one rung gets: {@code encoderThreads} when set, otherwise its share of the
     * cores by pixels, at least one. Left to itself, every x264 of a ladder takes a thread per
     * core (sliced threads, under {@code zerolatency}): three rungs on two cores then run six
     * threads that split each picture into slices, costing bits and synchronisation for little
     * gain, since the rungs already keep the cores busy side by side.
     *
     * @param rungPixels   this rung's pixels per picture
     * @param ladderPixels the pixels per picture of every rung encoded from the source
     * @param cores        the cores there are
     */
    int encoderThreadsFor(long rungPixels, long ladderPixels, int cores) {
        if (encoderThreads > 0) {
            return encoderThreads;
        }
        if (ladderPixels <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.round((double) cores * rungPixels / ladderPixels));
    }

    /** A new pace for one rung of a source at {@code sourceFps}: live rungs step, offline ones do not. */
    RungPace paceFor(double sourceFps) {
        return overload == Overload.DROP ? new RungPace(sourceFps, System::nanoTime, pace) : RungPace.steady();
    }
}
