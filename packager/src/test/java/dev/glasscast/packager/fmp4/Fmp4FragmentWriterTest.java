package dev.glasscast.packager.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.packager.fmp4.Mp4BoxReader.Box;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fmp4FragmentWriterTest {

    private final Fmp4FragmentWriter writer = new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT);

    private static byte[] bytes(int length, int fill) {
        byte[] data = new byte[length];
        java.util.Arrays.fill(data, (byte) fill);
        return data;
    }

    @Test
    void videoFragmentStatesEverySampleAndPointsAtItsData() {
        List<Fmp4Sample> samples = List.of(
                new Fmp4Sample(3000, 6000, true, bytes(100, 1)),
                new Fmp4Sample(3000, -3000, false, bytes(20, 2)),
                new Fmp4Sample(3001, 0, false, bytes(7, 3)));
        long baseTime = (1L << 33) + 5;
        ByteBuf fragment = writer.write(42, baseTime, samples);
        try {
            List<Box> top = Mp4BoxReader.read(fragment);
            assertEquals(List.of("moof", "mdat"), top.stream().map(Box::type).toList());
            Box moof = top.get(0);
            Box mdat = top.get(1);
            assertEquals(Fmp4FragmentWriter.moofSize(3, true), moof.size());
            assertEquals(8 + 127, mdat.size());
            assertEquals(fragment.capacity(), fragment.writerIndex(), "allocated exactly");

            assertEquals(List.of("mfhd", "traf"), moof.childTypes());
            assertEquals(42, moof.child("mfhd").u32(4));
            Box traf = moof.child("traf");
            assertEquals(List.of("tfhd", "tfdt", "trun"), traf.childTypes());
            Box tfhd = traf.child("tfhd");
            assertEquals(Fmp4FragmentWriter.TFHD_DEFAULT_BASE_IS_MOOF, tfhd.flags());
            assertEquals(1, tfhd.u32(4), "track_ID");
            Box tfdt = traf.child("tfdt");
            assertEquals(1, tfdt.version());
            assertEquals(baseTime, fragment.getLong(tfdt.payload() + 4));

            Box trun = traf.child("trun");
            assertEquals(1, trun.version());
            assertEquals(0x000F01, trun.flags());
            assertEquals(3, trun.u32(4), "sample_count");
            int dataOffset = fragment.getInt(trun.payload() + 8);
            assertEquals(mdat.payload() - moof.start(), dataOffset, "data_offset is relative to the moof");
            int entry = trun.payload() + 12;
            long[][] expected = {
                    {3000, 100, Fmp4FragmentWriter.SAMPLE_FLAGS_SYNC, 6000},
                    {3000, 20, Fmp4FragmentWriter.SAMPLE_FLAGS_NON_SYNC, -3000},
                    {3001, 7, Fmp4FragmentWriter.SAMPLE_FLAGS_NON_SYNC, 0}};
            for (long[] sample : expected) {
                assertEquals(sample[0], fragment.getUnsignedInt(entry));
                assertEquals(sample[1], fragment.getUnsignedInt(entry + 4));
                assertEquals(sample[2], fragment.getUnsignedInt(entry + 8));
                assertEquals(sample[3], fragment.getInt(entry + 12), "signed composition offset");
                entry += 16;
            }
            assertEquals(trun.end(), entry);
            int data = moof.start() + dataOffset;
            assertArrayEquals(bytes(100, 1), ByteBufUtil.getBytes(fragment, data, 100));
            assertArrayEquals(bytes(20, 2), ByteBufUtil.getBytes(fragment, data + 100, 20));
            assertArrayEquals(bytes(7, 3), ByteBufUtil.getBytes(fragment, data + 120, 7));
        } finally {
            fragment.release();
        }
    }

    @Test
    void fragmentWithoutCompositionOffsetsLeavesThemOut() {
        List<Fmp4Sample> samples = List.of(
                new Fmp4Sample(1024, 0, true, bytes(300, 9)),
                new Fmp4Sample(1024, 0, true, bytes(310, 8)));
        ByteBuf fragment = writer.write(1, 0, samples);
        try {
            Box moof = Mp4BoxReader.root(fragment, "moof");
            Box trun = moof.at("traf/trun");
            assertEquals(0x000701, trun.flags());
            assertEquals(8 + 4 + 8 + 2 * 12, trun.size());
            assertEquals(Fmp4FragmentWriter.moofSize(2, false), moof.size());
            assertEquals(Fmp4FragmentWriter.SAMPLE_FLAGS_SYNC, fragment.getInt(trun.payload() + 12 + 8 + 12));
        } finally {
            fragment.release();
        }
    }

    @Test
    void rejectsEmptyFragmentsAndNegativeTimes() {
        assertThrows(IllegalArgumentException.class, () -> writer.write(1, 0, List.of()));
        List<Fmp4Sample> one = List.of(new Fmp4Sample(1, 0, true, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> writer.write(1, -1, one));
    }
}
