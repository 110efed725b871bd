package dev.glasscast.packager.mpegts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.fmp4.Fmp4FragmentReader;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader.TimedSample;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsSegmentWriterTest {

    /** avcC with one SPS (67 64 00 1f) and one PPS (68 ee 3c 80). */
    private static final byte[] AVCC = {1, 0x64, 0, 0x1f, (byte) 0xff, (byte) 0xe1, 0, 4, 0x67, 0x64, 0, 0x1f,
            1, 0, 4, 0x68, (byte) 0xee, 0x3c, (byte) 0x80};
    private static final byte[] ASC = {0x11, (byte) 0x90};

    @Test
    void crcIsMpeg2() {
        // CRC-32/MPEG-2 check value of "123456789".
        assertEquals(0x0376E6E7, TsSegmentWriter.crc32Mpeg2("123456789".getBytes(), 0, 9));
    }

    @Test
    void segmentIsPacketsWithPsiFirstAndCountersPerPid() {
        List<TimedSample> video = List.of(
                new TimedSample(900_000, 3000, 0, true, nal(0x65, 400)),
                new TimedSample(903_000, 3000, 3000, false, nal(0x41, 50)));
        List<TimedSample> audio = List.of(new TimedSample(480_000, 1024, 0, true, new byte[300]));
        byte[] ts = TsSegmentWriter.write(AVCC, video, 90_000, ASC, audio, 48_000);
        assertEquals(0, ts.length % TsSegmentWriter.PACKET_SIZE);
        int[] expectedCounter = new int[0x2000];
        List<Integer> pids = new ArrayList<>();
        for (int at = 0; at < ts.length; at += TsSegmentWriter.PACKET_SIZE) {
            assertEquals(0x47, ts[at] & 0xFF, "sync byte at " + at);
            int pid = (ts[at + 1] & 0x1F) << 8 | ts[at + 2] & 0xFF;
            assertEquals(expectedCounter[pid], ts[at + 3] & 0x0F, "continuity of pid " + pid);
            expectedCounter[pid] = (expectedCounter[pid] + 1) & 0xF;
            pids.add(pid);
        }
        assertEquals(List.of(TsSegmentWriter.PAT_PID, TsSegmentWriter.PMT_PID), pids.subList(0, 2));
        // Audio at 10.000 s, video at 10.000 s: video first, then audio, then the second frame.
        assertEquals(TsSegmentWriter.VIDEO_PID, pids.get(2));
        assertTrue(pids.contains(TsSegmentWriter.AUDIO_PID));
        // The first video packet: PUSI, adaptation field with random access and PCR = 900000.
        int first = 2 * TsSegmentWriter.PACKET_SIZE;
        assertEquals(0x40, ts[first + 1] & 0x40);
        assertEquals(0x50, ts[first + 5] & 0x50);
        long pcrBase = (ts[first + 6] & 0xFFL) << 25 | (ts[first + 7] & 0xFFL) << 17 | (ts[first + 8] & 0xFFL) << 9
                | (ts[first + 9] & 0xFFL) << 1 | (ts[first + 10] & 0x80) >>> 7;
        assertEquals(900_000, pcrBase);
        // PES: start code, video stream id, then AUD, SPS, PPS, IDR in Annex B.
        int pes = first + 4 + 8;
        assertArrayEquals(new byte[] {0, 0, 1, (byte) 0xE0}, java.util.Arrays.copyOfRange(ts, pes, pes + 4));
        int payload = pes + 9 + 5;
        assertArrayEquals(new byte[] {0, 0, 0, 1, 9, (byte) 0xF0, 0, 0, 0, 1, 0x67, 0x64, 0, 0x1f, 0, 0, 0, 1, 0x68},
                java.util.Arrays.copyOfRange(ts, payload, payload + 19));
    }

    @Test
    void aSegmentHoldingThe33BitWrapKeepsDecodeOrderAndWrapsOnlyOnTheWire() {
        long wrap = 1L << 33;
        List<TimedSample> video = new ArrayList<>();
        for (int frame = 0; frame < 6; frame++) {
            long dts = wrap - 9000 + frame * 3000L;
            video.add(new TimedSample(dts, 3000, 0, frame == 0, nal(frame == 0 ? 0x65 : 0x41, 20)));
        }
        byte[] ts = TsSegmentWriter.write(AVCC, video, 90_000, null, List.of(), 48_000);
        List<Long> ptsOnTheWire = new ArrayList<>();
        for (int at = 0; at < ts.length; at += TsSegmentWriter.PACKET_SIZE) {
            boolean unitStart = (ts[at + 1] & 0x40) != 0;
            int pid = (ts[at + 1] & 0x1F) << 8 | ts[at + 2] & 0xFF;
            if (pid != TsSegmentWriter.VIDEO_PID || !unitStart) {
                continue;
            }
            int pes = at + 4 + ((ts[at + 3] & 0x20) != 0 ? 1 + (ts[at + 4] & 0xFF) : 0);
            int p = pes + 9;
            ptsOnTheWire.add((ts[p] & 0x0EL) << 29 | (ts[p + 1] & 0xFFL) << 22 | (ts[p + 2] & 0xFEL) << 14
                    | (ts[p + 3] & 0xFFL) << 7 | (ts[p + 4] & 0xFEL) >>> 1);
        }
        // The key frame first, then the pictures after the wrap, stamped from 0 again.
        assertEquals(List.of(wrap - 9000, wrap - 6000, wrap - 3000, 0L, 3000L, 6000L), ptsOnTheWire);
    }

    @Test
    void fragmentsReadBackAsWritten() {
        Fmp4FragmentWriter writer = new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT);
        ByteBuf fragment = writer.write(3, 5_000_000_000L, List.of(
                new Fmp4Sample(3000, 6000, true, new byte[] {1, 2, 3}),
                new Fmp4Sample(3001, -3000, false, new byte[] {4})));
        try {
            List<TimedSample> samples = Fmp4FragmentReader.read(fragment);
            assertEquals(2, samples.size());
            assertEquals(new TimedSample(5_000_000_000L, 3000, 6000, true, samples.get(0).data()), samples.get(0));
            assertArrayEquals(new byte[] {1, 2, 3}, samples.get(0).data());
            assertEquals(5_000_003_000L, samples.get(1).decodeTime());
            assertEquals(-3000, samples.get(1).compositionOffset());
            assertEquals(false, samples.get(1).sync());
        } finally {
            fragment.release();
        }
    }

    private static byte[] nal(int header, int size) {
        byte[] sample = new byte[4 + size];
        sample[0] = (byte) (size >>> 24);
        sample[1] = (byte) (size >>> 16);
        sample[2] = (byte) (size >>> 8);
        sample[3] = (byte) size;
        sample[4] = (byte) header;
        return sample;
    }
}
