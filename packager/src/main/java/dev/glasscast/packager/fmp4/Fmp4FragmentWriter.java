package dev.glasscast.packager.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Writes one movie fragment of a single-track fMP4 file: {@code moof} (mfhd, traf with tfhd,
 * tfdt and trun) followed by its {@code mdat}. A CMAF segment or an LL-HLS part is one or more
 * of these back to back. One method per box, named after it, with the ISO/IEC 14496-12 syntax
 * quoted.
 *
 * <p>Every sample states its duration, size and flags in the trun, and its composition offset
 * when any sample of the fragment has one; nothing relies on trex defaults.
 *
 * <p>Stateless and thread-safe.
 */
public final class Fmp4FragmentWriter {

    /** tfhd: sample data offsets are relative to the first byte of the enclosing moof. */
    static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    static final int TRUN_DATA_OFFSET_PRESENT = 0x000001;
    static final int TRUN_SAMPLE_DURATION_PRESENT = 0x000100;
    static final int TRUN_SAMPLE_SIZE_PRESENT = 0x000200;
    static final int TRUN_SAMPLE_FLAGS_PRESENT = 0x000400;
    static final int TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT = 0x000800;

    /** sample_depends_on = 2 (depends on no other sample): a sync sample. */
    public static final int SAMPLE_FLAGS_SYNC = 0x0200_0000;
    /** sample_depends_on = 1 (depends on others) and sample_is_non_sync_sample = 1. */
    public static final int SAMPLE_FLAGS_NON_SYNC = 0x0101_0000;

    private static final int BOX_HEADER = 8;
    private static final int FULL_BOX_HEADER = 12;

    private final ByteBufAllocator allocator;

    /** @param allocator where fragments are allocated, normally the pooled default */
    public Fmp4FragmentWriter(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Writes one fragment.
     *
     * @param sequenceNumber       the mfhd sequence number; starts at 1 and grows by one per
     *                             fragment of a track
     * @param baseMediaDecodeTime  decode time of the first sample, in the track timescale
     * @param samples              at least one sample, in decode order
     * @return a new buffer holding moof and mdat, sized exactly; the caller owns it and must
     *         release it
     */
    public ByteBuf write(long sequenceNumber, long baseMediaDecodeTime, List<Fmp4Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a fragment needs at least one sample");
        }
        if (baseMediaDecodeTime < 0) {
            throw new IllegalArgumentException("negative baseMediaDecodeTime: " + baseMediaDecodeTime);
        }
        boolean compositionOffsets = samples.stream().anyMatch(s -> s.compositionOffset() != 0);
        long mdatSize = BOX_HEADER;
        for (Fmp4Sample sample : samples) {
            mdatSize += sample.data().length;
        }
        int moofSize = moofSize(samples.size(), compositionOffsets);
        if (moofSize + mdatSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fragment too large: " + (moofSize + mdatSize) + " bytes");
        }
        ByteBuf out = allocator.buffer((int) (moofSize + mdatSize));
        try {
            BoxWriter box = new BoxWriter(out);
            moof(box, sequenceNumber, baseMediaDecodeTime, samples, compositionOffsets);
            mdat(box, samples);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    static int moofSize(int sampleCount, boolean compositionOffsets) {
        int mfhd = FULL_BOX_HEADER + 4;
        int tfhd = FULL_BOX_HEADER + 4;
        int tfdt = FULL_BOX_HEADER + 8;
        int trun = FULL_BOX_HEADER + 4 + 4 + sampleCount * (compositionOffsets ? 16 : 12);
        return BOX_HEADER + mfhd + BOX_HEADER + tfhd + tfdt + trun;
    }

    private static void moof(BoxWriter box, long sequenceNumber, long baseMediaDecodeTime, List<Fmp4Sample> samples,
                             boolean compositionOffsets) {
        int start = box.begin("moof");
        mfhd(box, sequenceNumber);
        int dataOffsetField = traf(box, baseMediaDecodeTime, samples, compositionOffsets);
        box.end(start);
        int moofSize = box.position() - start;
        // The samples start right after the moof and the mdat header.
        box.buffer().setInt(dataOffsetField, moofSize + BOX_HEADER);
    }

    /**
     * <pre>
     * aligned(8) class MovieFragmentHeaderBox extends FullBox('mfhd', 0, 0) {
     *     unsigned int(32) sequence_number;
     * }
     * </pre>
     */
    private static void mfhd(BoxWriter box, long sequenceNumber) {
        int start = box.beginFull("mfhd", 0, 0);
        box.u32(sequenceNumber);
        box.end(start);
    }

    /** @return the index of the trun data_offset field, patched once the moof size is known */
    private static int traf(BoxWriter box, long baseMediaDecodeTime, List<Fmp4Sample> samples,
                            boolean compositionOffsets) {
        int start = box.begin("traf");
        tfhd(box);
        tfdt(box, baseMediaDecodeTime);
        int dataOffsetField = trun(box, samples, compositionOffsets);
        box.end(start);
        return dataOffsetField;
    }

    /**
     * <pre>
     * aligned(8) class TrackFragmentHeaderBox extends FullBox('tfhd', 0, tf_flags) {
     *     unsigned int(32) track_ID;
     *     // all the following are optional fields, present according to tf_flags
     * }
     * </pre>
     */
    private static void tfhd(BoxWriter box) {
        int start = box.beginFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
        box.u32(Fmp4Track.TRACK_ID);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class TrackFragmentBaseMediaDecodeTimeBox extends FullBox('tfdt', version, 0) {
     *     if (version==1) { unsigned int(64) baseMediaDecodeTime; }
     *     else { unsigned int(32) baseMediaDecodeTime; }
     * }
     * </pre>
     */
    private static void tfdt(BoxWriter box, long baseMediaDecodeTime) {
        int start = box.beginFull("tfdt", 1, 0);
        box.u64(baseMediaDecodeTime);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class TrackRunBox extends FullBox('trun', version, tr_flags) {
     *     unsigned int(32) sample_count;
     *     signed int(32) data_offset;                     // if tr_flags &amp; 0x000001
     *     unsigned int(32) first_sample_flags;            // if tr_flags &amp; 0x000004 (not used)
     *     {
     *         unsigned int(32) sample_duration;           // if tr_flags &amp; 0x000100
     *         unsigned int(32) sample_size;               // if tr_flags &amp; 0x000200
     *         unsigned int(32) sample_flags;              // if tr_flags &amp; 0x000400
     *         if (version == 0) { unsigned int(32) sample_composition_time_offset; }
     *         else { signed int(32) sample_composition_time_offset; }   // if tr_flags &amp; 0x000800
     *     }[ sample_count ]
     * }
     * </pre>
     * Version 1 so that B-frame offsets may be negative (CMAF requires it for that case).
     *
     * @return the index of the data_offset field
     */
    private static int trun(BoxWriter box, List<Fmp4Sample> samples, boolean compositionOffsets) {
        int flags = TRUN_DATA_OFFSET_PRESENT | TRUN_SAMPLE_DURATION_PRESENT | TRUN_SAMPLE_SIZE_PRESENT
                | TRUN_SAMPLE_FLAGS_PRESENT | (compositionOffsets ? TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT : 0);
        int start = box.beginFull("trun", 1, flags);
        box.u32(samples.size());
        int dataOffsetField = box.position();
        box.u32(0);
        for (Fmp4Sample sample : samples) {
            box.u32(sample.duration());
            box.u32(sample.data().length);
            box.u32(sample.sync() ? SAMPLE_FLAGS_SYNC : SAMPLE_FLAGS_NON_SYNC);
            if (compositionOffsets) {
                box.u32(sample.compositionOffset());
            }
        }
        box.end(start);
        return dataOffsetField;
    }

    /** {@code aligned(8) class MediaDataBox extends Box('mdat') { bit(8) data[]; }} */
    private static void mdat(BoxWriter box, List<Fmp4Sample> samples) {
        int start = box.begin("mdat");
        for (Fmp4Sample sample : samples) {
            box.bytes(sample.data());
        }
        box.end(start);
    }
}
