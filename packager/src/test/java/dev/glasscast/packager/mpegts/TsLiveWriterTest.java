package dev.glasscast.packager.mpegts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.ingest.mpegts.TsDemuxer;
import dev.glasscast.ingest.mpegts.TsDemuxerListener;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AvcDecoderConfig;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The continuous TS of an SRT reader, read back by ingest's demuxer as a publisher's TS is. */
class TsLiveWriterTest {

    private static final byte[] SPS = HexFormat.of().parseHex("6764001facd9405005bb0110000003001000000303c0f1831960");
    private static final byte[] PPS = HexFormat.of().parseHex("68ebe3cb22c0");
    private static final TrackInfo VIDEO = TrackInfo.video(1, Codec.H264, 90_000, 1280, 720, 30, 0,
            AvcDecoderConfig.of(List.of(SPS), List.of(PPS)).toBytes());
    private static final TrackInfo AUDIO = TrackInfo.audio(2, Codec.AAC, 48_000, 48_000, 2, 0,
            new AacConfig(2, 48_000, 2).toBytes());

    private static AccessUnit picture(int index, boolean key) {
        byte[] nal = new byte[300 + index];
        java.util.Arrays.fill(nal, (byte) (index + 1));
        nal[0] = (byte) (key ? 0x65 : 0x41);
        byte[] data = new byte[4 + nal.length];
        data[0] = (byte) (nal.length >>> 24);
        data[1] = (byte) (nal.length >>> 16);
        data[2] = (byte) (nal.length >>> 8);
        data[3] = (byte) nal.length;
        System.arraycopy(nal, 0, data, 4, nal.length);
        long dts = 1_000_000L + index * 3_000L;
        return new AccessUnit(1, dts, dts + 6_000, 3_000, key, data);
    }

    private static AccessUnit frame(int index) {
        byte[] data = new byte[200];
        java.util.Arrays.fill(data, (byte) (0x21 + index));
        long dts = 1_000_000L * 48_000 / 90_000 + index * 1024L;
        return new AccessUnit(2, dts, dts, 1024, true, data);
    }

    @Test
    void unitByUnitItIsOneStreamThatStartsAtAKeyFrameWithContinuousCounters() {
        TsLiveWriter writer = new TsLiveWriter(VIDEO, AUDIO);
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        assertEquals(0, writer.audio(frame(0)).length, "nothing before the first key frame");
        assertEquals(0, writer.video(picture(0, false)).length);
        List<AccessUnit> pictures = new ArrayList<>();
        List<AccessUnit> frames = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            AccessUnit picture = picture(i, i == 1 || i == 21);
            pictures.add(picture);
            ts.writeBytes(writer.video(picture));
            AccessUnit frame = frame(i);
            frames.add(frame);
            ts.writeBytes(writer.audio(frame));
        }
        byte[] all = ts.toByteArray();
        assertEquals(0, all.length % TsSegmentWriter.PACKET_SIZE);

        List<AccessUnit> out = new ArrayList<>();
        int[] videoTrack = {-1};
        TsDemuxer demuxer = new TsDemuxer(new TsDemuxerListener() {
            @Override
            public void onTracks(List<TrackInfo> tracks) {
                tracks.stream().filter(TrackInfo::isVideo).forEach(t -> videoTrack[0] = t.trackId());
            }

            @Override
            public void onAccessUnit(AccessUnit unit) {
                out.add(unit);
            }
        });
        demuxer.feed(all, 0, all.length);
        demuxer.flush();
        assertEquals(0, demuxer.stats().continuityErrors(), "counters run on from call to call");

        List<AccessUnit> videoOut = out.stream().filter(u -> u.trackId() == videoTrack[0]).toList();
        List<AccessUnit> audioOut = out.stream().filter(u -> u.trackId() != videoTrack[0]).toList();
        assertEquals(pictures.size(), videoOut.size());
        for (int i = 0; i < pictures.size(); i++) {
            assertArrayEquals(pictures.get(i).data(), videoOut.get(i).data(), "picture " + i);
            assertEquals(pictures.get(i).dts(), videoOut.get(i).dts());
            assertEquals(pictures.get(i).pts(), videoOut.get(i).pts());
            assertEquals(pictures.get(i).keyFrame(), videoOut.get(i).keyFrame());
        }
        assertEquals(frames.size(), audioOut.size());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i).data(), audioOut.get(i).data(), "AAC frame " + i);
        }
    }

    @Test
    void aReaderCanJoinAtAnyKeyFrame() {
        TsLiveWriter writer = new TsLiveWriter(VIDEO, null);
        writer.video(picture(1, true));
        for (int i = 2; i < 21; i++) {
            writer.video(picture(i, false));
        }
        byte[] joined = writer.video(picture(21, true));
        // PAT then PMT then the key frame's PES.
        assertEquals(0x00, pid(joined, 0));
        assertEquals(TsSegmentWriter.PMT_PID, pid(joined, 1));
        assertEquals(TsSegmentWriter.VIDEO_PID, pid(joined, 2));
        assertEquals(0x40, joined[2 * TsSegmentWriter.PACKET_SIZE + 1] & 0x40, "the PES starts there");
    }

    @Test
    void takesOnlyH264AndAac() {
        TrackInfo hevc = TrackInfo.video(1, Codec.H265, 90_000, 1280, 720, 30, 0, new byte[23]);
        assertThrows(IllegalArgumentException.class, () -> new TsLiveWriter(hevc, AUDIO));
    }

    private static int pid(byte[] ts, int packet) {
        int at = packet * TsSegmentWriter.PACKET_SIZE;
        return (ts[at + 1] & 0x1F) << 8 | ts[at + 2] & 0xFF;
    }
}
