package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands the program's tracks and access units to the {@link TsDemuxerListener}: announces the
 * tracks once each knows its configuration (holding early units meanwhile), and keeps each
 * track's timeline non-decreasing, rebasing it after an encoder restart or splice.
 *
 * <p>Not thread-safe: runs on the demuxer's thread, and so does the listener.
 */
final class TsTrackDelivery {

    /** Timestamps that go back by more than this (90 kHz ticks: 1 s) are a discontinuity. */
    private static final long BACKWARD_JUMP = 90_000;
    /** Tracks still waiting for their configuration after this much media time (2 s) are left out. */
    private static final long ANNOUNCE_WAIT = 180_000;
    /** Units held while waiting for the announcement: 2 s of 60 fps video plus its audio. */
    private static final int MAX_PENDING_UNITS = 256;

    private final TsDemuxerListener listener;
    private final TsPsiReader program;
    private long timelineOffset;
    private final Map<Integer, Long> lastDts = new LinkedHashMap<>();
    private List<TrackInfo> announced = List.of();
    private long firstPendingDts = Long.MIN_VALUE;
    private final List<AccessUnit> pending = new ArrayList<>();
    private long accessUnits;
    private long timestampJumps;

    /**
     * @param listener receives tracks and access units
     * @param program  the program's streams, as the PMT lists them
     */
    TsTrackDelivery(TsDemuxerListener listener, TsPsiReader program) {
        this.listener = listener;
        this.program = program;
    }

    /** The tracks announced last; empty until the first announcement. */
    List<TrackInfo> announced() {
        return announced;
    }

    long accessUnits() {
        return accessUnits;
    }

    long timestampJumps() {
        return timestampJumps;
    }

    /** A stream left the program: its timeline goes with it. */
    void streamRemoved(int pid) {
        lastDts.remove(pid);
    }

    /** A new PMT version set the program's streams: re-announce what is still there. */
    void programChanged() {
        Map<Integer, TsElementaryStream> streams = program.streams();
        firstPendingDts = Long.MIN_VALUE;
        pending.removeIf(unit -> !streams.containsKey(unit.trackId()));
        List<TrackInfo> stillThere = new ArrayList<>();
        for (TrackInfo track : announced) {
            TsElementaryStream stream = streams.get(track.trackId());
            if (stream != null && stream.track() == track) {
                stillThere.add(track);
            }
        }
        if (!announced.isEmpty()) {
            // Downstream may have to reconfigure even when the tracks look alike (new program).
            announce(stillThere);
        }
    }

    void onAccessUnit(AccessUnit unit) {
        TsElementaryStream stream = program.stream(unit.trackId());
        TrackInfo track = stream == null ? null : stream.track();
        if (track == null) {
            return;
        }
        if (!announced.contains(track)) {
            if (!announceIfReady(unit.dts())) {
                // Hold units of configured tracks while the others learn theirs, so none are lost.
                if (pending.size() < MAX_PENDING_UNITS) {
                    pending.add(unit);
                }
                return;
            }
            if (!pending.isEmpty()) {
                List<AccessUnit> held = new ArrayList<>(pending);
                pending.clear();
                for (AccessUnit heldUnit : held) {
                    if (isAnnounced(heldUnit.trackId())) {
                        deliver(heldUnit);
                    }
                }
            }
            if (!announced.contains(track)) {
                return;
            }
        }
        deliver(unit);
    }

    private boolean isAnnounced(int pid) {
        TsElementaryStream stream = program.stream(pid);
        return stream != null && announced.contains(stream.track());
    }

    private void deliver(AccessUnit unit) {
        long dts = unit.dts() + timelineOffset;
        Long previous = lastDts.get(unit.trackId());
        if (previous != null && dts < previous) {
            if (previous - dts > BACKWARD_JUMP) {
                // The encoder restarted or spliced: continue the timeline right after the last unit.
                timestampJumps++;
                timelineOffset += previous - dts + 1;
                dts = previous + 1;
                listener.onDiscontinuity();
            } else {
                dts = previous;
            }
        }
        long pts = Math.max(dts, unit.pts() + (dts - unit.dts()));
        lastDts.put(unit.trackId(), dts);
        accessUnits++;
        listener.onAccessUnit(dts == unit.dts() && pts == unit.pts()
                ? unit : new AccessUnit(unit.trackId(), dts, pts, unit.duration(), unit.keyFrame(), unit.data()));
    }

    /**
     * Announces the tracks when every stream of the PMT knows its configuration, or when some
     * have waited {@link #ANNOUNCE_WAIT} for the others (a PMT may list a stream that never comes).
     */
    private boolean announceIfReady(long dts) {
        List<TrackInfo> ready = new ArrayList<>();
        Map<Integer, TsElementaryStream> streams = program.streams();
        for (TsElementaryStream stream : streams.values()) {
            if (stream != null && stream.track() != null) {
                ready.add(stream.track());
            }
        }
        boolean all = ready.size() == streams.size();
        if (!all) {
            if (firstPendingDts == Long.MIN_VALUE) {
                firstPendingDts = dts;
            }
            if (dts - firstPendingDts < ANNOUNCE_WAIT) {
                return false;
            }
        }
        if (!ready.equals(announced)) {
            announce(ready);
        }
        return true;
    }

    private void announce(List<TrackInfo> tracks) {
        announced = List.copyOf(tracks);
        listener.onTracks(announced);
    }
}
