package dev.glasscast.media;

import java.util.Objects;

/**
 * One compressed frame of one track: the one type that flows from ingest through transcode to
 * the packager.
 *
 * <p>Timestamps are in the track's {@link TrackInfo#timescale()} and already unwrapped: they are
 * monotonic 64-bit values (DTS never decreases within a track). The payload follows the
 * conventions of {@link Codec}. The array is owned by the access unit once constructed: nobody
 * writes to it afterwards, so one instance can be handed to any number of consumers.
 *
 * @param trackId  the {@link TrackInfo#trackId()} this frame belongs to
 * @param dts      decode timestamp
 * @param pts      presentation timestamp ({@code >= dts} for streams without negative offsets)
 * @param duration duration in the track timescale, or 0 when the producer does not know it
 * @param keyFrame true for an IDR (video) or any audio frame a decoder can start on
 * @param data     the payload; never modified after construction
 */
public record AccessUnit(int trackId, long dts, long pts, long duration, boolean keyFrame, byte[] data) {

    public AccessUnit {
        Objects.requireNonNull(data, "data");
        if (duration < 0) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
    }

    public long compositionOffset() {
        return pts - dts;
    }

    public AccessUnit withDuration(long newDuration) {
        return new AccessUnit(trackId, dts, pts, newDuration, keyFrame, data);
    }

    @Override
    public String toString() {
        return "AccessUnit[track=" + trackId + " dts=" + dts + " pts=" + pts + " dur=" + duration
                + (keyFrame ? " key" : "") + " " + data.length + "B]";
    }
}
