package dev.glasscast.ingest.mpegts;

/**
 * Counters of one {@link TsDemuxer}; a snapshot, safe to hand to another thread.
 *
 * @param packets           188-byte packets parsed
 * @param syncLosses        times the 0x47 sync byte was missing and the demuxer resynchronised
 * @param continuityErrors  continuity_counter gaps (lost or reordered packets)
 * @param transportErrors   packets with transport_error_indicator set, dropped
 * @param crcErrors         PSI sections (PAT/PMT) whose CRC_32 did not match, ignored
 * @param pesOverflows      PES packets larger than the limit, discarded
 * @param malformed         PES or elementary-stream data that could not be parsed, discarded
 * @param accessUnits       access units delivered
 * @param timestampJumps    discontinuities in the timeline that were rebased
 */
public record TsDemuxerStats(
        long packets,
        long syncLosses,
        long continuityErrors,
        long transportErrors,
        long crcErrors,
        long pesOverflows,
        long malformed,
        long accessUnits,
        long timestampJumps) {
}
