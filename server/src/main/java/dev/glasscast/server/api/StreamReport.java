package dev.glasscast.server.api;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/streams/{name}} answers (as JSON) and the dashboard shows for one
 * configured stream. Rates are measured by {@link StreamMonitor} between its samples; a value
 * that is not known yet is null. {@code playback} is {@code public} or {@code signed}; a signed
 * stream's {@code watchUrl} and {@code hlsUrl} answer 403 until a signed link is minted
 * ({@code POST /api/v1/streams/{name}/watch-link}). {@code notices} say in words what of the
 * published media cannot be served (a codec GlassCast does not take, say); empty when all is.
 * {@code ladder} says, with {@code ladder: auto}, which rungs were chosen for this source and
 * why, one line per standard rung; empty for a ladder written out in the config.
 */
public record StreamReport(
        String name,
        boolean live,
        Instant publishedAt,
        String watchUrl,
        String hlsUrl,
        Source source,
        List<Rung> rungs,
        Srt srt,
        Audience audience,
        Obs obs,
        List<Point> history,
        String playback,
        List<String> notices,
        List<String> ladder,
        List<Restream> restream) {

    /**
     * One restream destination of the stream.
     *
     * @param id          its id within the stream ({@code DELETE /api/v1/streams/{name}/restream/{id}})
     * @param destination the URL with its key redacted
     * @param state       starting, connecting, connected, retrying or stopped
     * @param bitrate     bits per second sent, while connected
     * @param reconnects  connections made after the first
     * @param lastError   the last failure, or null
     */
    public record Restream(int id, String destination, String send, String state, double bitrate, long bytesSent,
                           long reconnects, long failures, String lastError) {
    }

    /**
     * @param videoCodec  e.g. H264; null before the tracks are known
     * @param bitrate     bits per second received, measured
     * @param standIn     the built-in test pattern publishes it, until a publisher with the key takes over
     */
    public record Source(String videoCodec, int width, int height, double frameRate, String audioCodec,
                         int sampleRate, int channels, Double bitrate, long unitsIn, long bytesIn, long unitsDropped,
                         boolean standIn) {
    }

    /**
     * @param fps   pictures encoded per second, measured
     * @param speed {@code fps} over the source frame rate: below 1 the rung falls behind
     * @param step  how the rung keeps real time: "passthrough", "as configured", or the step down
     *              its encoder took (faster analysis, then half the frame rate)
     */
    public record Rung(String name, int width, int height, long encodedFrames, long droppedFrames, Double fps, Double speed,
                       String step) {
    }

    public record Srt(String peer, double rttMillis, long packetsLost, long packetsRetransmitted, long packetsDropped,
                      long receiveRateBits, int latencyMillis, boolean encrypted) {
    }

    /**
     * @param viewers                  estimated: media requests per second over the requests per
     *                                 second one viewer makes (video plus audio, one each per segment)
     * @param segmentRequestsPerSecond media segment and part requests per second at the edge cache
     * @param cacheHitRatio            share of all edge cache requests answered from the cache
     */
    public record Audience(double viewers, double segmentRequestsPerSecond, double cacheHitRatio) {
    }

    /** Copyable OBS settings; a field is null when that ingest protocol is off. */
    public record Obs(String rtmpServer, String streamKey, String srtUrl) {
    }

    /** One sample of the small graph: epoch milliseconds, bits per second in, estimated viewers. */
    public record Point(long at, double bitrate, double viewers) {
    }
}
