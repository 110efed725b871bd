package dev.glasscast.ingest.mpegts;

import java.util.Arrays;

/**
 * Reassembly state of one PID, shared by the packet reader that checks continuity, the
 * {@link TsPsiReader} (sections) and the {@link TsPesAssembler} (PES packets). Used on the
 * demuxer's thread only.
 */
final class TsPidState {
    int lastContinuity = -1;
    /** A packet of this PID was lost: whatever section or PES was being collected is broken. */
    boolean corrupt;
    final byte[] section = new byte[TsPsiReader.MAX_SECTION];
    int sectionFill;
    boolean sectionOpen;
    byte[] pes = new byte[4096];
    int pesFill;
    boolean pesOpen;

    void ensurePesCapacity(int capacity) {
        if (capacity > pes.length) {
            pes = Arrays.copyOf(pes, Math.max(capacity, pes.length * 2));
        }
    }

    /** Forgets the PES being collected. */
    void discardPes() {
        pesOpen = false;
        pesFill = 0;
    }
}
