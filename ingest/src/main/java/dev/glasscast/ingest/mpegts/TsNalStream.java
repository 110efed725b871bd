package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.NalUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A video stream of NAL units in PES (H.264, H.265): one PES is one access unit in Annex B
 * framing. What the codecs share lives here: splitting the payload, taking access unit
 * delimiters and parameter sets out of the sample (they go to the track's decoder configuration
 * instead, so samples look the same whether they came in over SRT or RTMP), and making the
 * access unit once the track is known. Each codec says what a NAL unit is and how its parameter
 * sets make a track.
 */
abstract sealed class TsNalStream extends TsElementaryStream permits TsH264Stream, TsH265Stream {

    /** What a NAL unit is to the access unit. */
    enum Role {
        /** Left out: an access unit delimiter, or a unit too short to read. */
        SKIP,
        /** A parameter set: goes to the track, not the sample; see {@link #onParameterSet}. */
        PARAMETER_SET,
        /** A slice that makes the access unit a key frame. */
        KEY_SLICE,
        /** Anything else, kept in the sample. */
        OTHER
    }

    private TrackInfo track;

    TsNalStream(int pid, TsStreamType type) {
        super(pid, type);
    }

    abstract Role roleOf(byte[] nal);

    /** Takes one parameter set, in stream order. */
    abstract void onParameterSet(byte[] nal);

    /** Called once the whole PES has been read, before its access unit is made. */
    void afterParameterSets() {
    }

    /** A new configuration: the track from now on. */
    final void setTrack(TrackInfo newTrack) {
        track = newTrack;
    }

    @Override
    final boolean onPes(long pts, long dts, byte[] data, int offset, int length, Consumer<AccessUnit> out) {
        List<byte[]> nals;
        try {
            nals = NalUnits.splitAnnexB(data, offset, length);
        } catch (IllegalArgumentException e) {
            return false;
        }
        List<byte[]> sample = new ArrayList<>(nals.size());
        boolean key = false;
        for (byte[] nal : nals) {
            switch (roleOf(nal)) {
                case SKIP -> { }
                case PARAMETER_SET -> onParameterSet(nal);
                case KEY_SLICE -> {
                    key = true;
                    sample.add(nal);
                }
                case OTHER -> sample.add(nal);
            }
        }
        afterParameterSets();
        if (sample.isEmpty() || track == null) {
            return true;
        }
        out.accept(new AccessUnit(pid, dts, pts, 0, key, NalUnits.toLengthPrefixed(sample)));
        return true;
    }

    @Override
    final TrackInfo track() {
        return track;
    }
}
