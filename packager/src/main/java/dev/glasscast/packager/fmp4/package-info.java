/**
 * fMP4 / CMAF writing, one track per file: {@link dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter}
 * (ftyp + moov) and {@link dev.glasscast.packager.fmp4.Fmp4FragmentWriter} (moof + mdat), in the
 * output timescale chosen by {@link dev.glasscast.packager.fmp4.Fmp4Track#of}. Both write into
 * buffers from the allocator they are given and hand ownership to the caller.
 */
package dev.glasscast.packager.fmp4;
