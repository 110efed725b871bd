package dev.glasscast.packager.fmp4;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the samples of movie fragments as {@link Fmp4FragmentWriter} writes them (moof with
 * one traf: tfhd default-base-is-moof, tfdt, trun with data offset and per-sample duration, size,
 * flags and optional composition offset; then mdat), so other containers (MPEG-TS) can be muxed
 * from the store's one copy of the media. Anything else is rejected.
 *
 * <p>Buffer ownership: reads {@code fragments} from its reader index without moving it or
 * releasing it; the returned samples hold copies.
 */
public final class Fmp4FragmentReader {

    /** One sample with its absolute decode time, in the track's timescale. */
    public record TimedSample(long decodeTime, long duration, int compositionOffset, boolean sync, byte[] data) {
    }

    private Fmp4FragmentReader() {
    }

    /** Every sample of every fragment in {@code fragments}, back to back, in order. */
    public static List<TimedSample> read(ByteBuf fragments) {
        List<TimedSample> samples = new ArrayList<>();
        int position = fragments.readerIndex();
        int end = fragments.writerIndex();
        int moof = -1;
        long baseDecodeTime = 0;
        int dataOffset = 0;
        List<long[]> entries = new ArrayList<>();
        while (position + 8 <= end) {
            long size = fragments.getUnsignedInt(position);
            String type = fragments.toString(position + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (size < 8 || position + size > end) {
                throw new IllegalArgumentException("bad box " + type + " of " + size + " bytes at " + position);
            }
            switch (type) {
                case "moof" -> {
                    moof = position;
                    entries.clear();
                    int child = position + 8;
                    int moofEnd = (int) (position + size);
                    while (child + 8 <= moofEnd) {
                        long childSize = fragments.getUnsignedInt(child);
                        String childType = fragments.toString(child + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
                        if (childType.equals("traf")) {
                            int box = child + 8;
                            int trafEnd = (int) (child + childSize);
                            while (box + 8 <= trafEnd) {
                                long boxSize = fragments.getUnsignedInt(box);
                                String boxType = fragments.toString(box + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
                                int version = fragments.getUnsignedByte(box + 8);
                                if (boxType.equals("tfdt")) {
                                    baseDecodeTime = version == 1 ? fragments.getLong(box + 12) : fragments.getUnsignedInt(box + 12);
                                } else if (boxType.equals("trun")) {
                                    dataOffset = readTrun(fragments, box, version, entries);
                                }
                                box += (int) boxSize;
                            }
                        }
                        child += (int) childSize;
                    }
                }
                case "mdat" -> {
                    if (moof < 0) {
                        throw new IllegalArgumentException("mdat without moof");
                    }
                    int data = moof + dataOffset;
                    long time = baseDecodeTime;
                    for (long[] entry : entries) {
                        byte[] bytes = new byte[(int) entry[1]];
                        fragments.getBytes(data, bytes);
                        data += bytes.length;
                        samples.add(new TimedSample(time, entry[0], (int) entry[3], entry[2] == 1, bytes));
                        time += entry[0];
                    }
                    moof = -1;
                }
                default -> {
                }
            }
            position += (int) size;
        }
        return samples;
    }

    /** Fills {@code entries} with {duration, size, sync (1/0), composition offset}; returns the data offset. */
    private static int readTrun(ByteBuf buf, int box, int version, List<long[]> entries) {
        int flags = buf.getInt(box + 8) & 0xFFFFFF;
        int count = buf.getInt(box + 12);
        int at = box + 16;
        int dataOffset = 0;
        if ((flags & Fmp4FragmentWriter.TRUN_DATA_OFFSET_PRESENT) != 0) {
            dataOffset = buf.getInt(at);
            at += 4;
        }
        if ((flags & 0x000004) != 0) {
            at += 4;
        }
        for (int i = 0; i < count; i++) {
            long duration = 0;
            long size = 0;
            long sync = 1;
            long offset = 0;
            if ((flags & Fmp4FragmentWriter.TRUN_SAMPLE_DURATION_PRESENT) != 0) {
                duration = buf.getUnsignedInt(at);
                at += 4;
            }
            if ((flags & Fmp4FragmentWriter.TRUN_SAMPLE_SIZE_PRESENT) != 0) {
                size = buf.getUnsignedInt(at);
                at += 4;
            }
            if ((flags & Fmp4FragmentWriter.TRUN_SAMPLE_FLAGS_PRESENT) != 0) {
                // sample_is_non_sync_sample is bit 16 of sample_flags.
                sync = (buf.getInt(at) & 0x0001_0000) == 0 ? 1 : 0;
                at += 4;
            }
            if ((flags & Fmp4FragmentWriter.TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT) != 0) {
                offset = version == 1 ? buf.getInt(at) : buf.getUnsignedInt(at);
                at += 4;
            }
            entries.add(new long[] {duration, size, sync, offset});
        }
        return dataOffset;
    }
}
