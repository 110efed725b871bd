package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.function.Consumer;

/**
 * One elementary stream of the program: turns complete PES payloads into access units and
 * learns the track's codec configuration from the stream itself.
 */
abstract sealed class TsElementaryStream permits TsNalStream, TsAacStream {

    final int pid;
    final TsStreamType type;

    TsElementaryStream(int pid, TsStreamType type) {
        this.pid = pid;
        this.type = type;
    }

    /**
     * Parses one PES payload.
     *
     * @param pts   unwrapped presentation time (90 kHz)
     * @param dts   unwrapped decode time (equal to {@code pts} when the PES carries none)
     * @param data  the payload; only valid during the call
     * @param out   receives the access units, in decode order
     * @return false if the payload was malformed (what could be parsed was still delivered)
     */
    abstract boolean onPes(long pts, long dts, byte[] data, int offset, int length, Consumer<AccessUnit> out);

    /** The track, once its configuration is known; a new instance whenever it changes. */
    abstract TrackInfo track();
}
