package dev.glasscast.packager.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.mpegts.TsDemuxer;
import dev.glasscast.ingest.mpegts.TsDemuxerListener;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader.TimedSample;
import dev.glasscast.packager.mpegts.TsSegmentWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A differential check of the two MPEG-TS halves: access units the fuzzer makes up (sizes, NAL
 * payloads, decode-time steps, composition offsets, key frames, AAC frames) are written by the
 * packager's {@link TsSegmentWriter} and read back by ingest's {@link TsDemuxer}, which must give
 * back every unit with the same bytes and timestamps. The writer is what players read, the
 * demuxer what publishers send, so a disagreement is a bug in one of them.
 *
 * <p>NAL payloads carry no zero bytes: a real one never holds a start-code pattern (emulation
 * prevention sees to that), and the writer, like every muxer, relies on it.
 */
class TsRoundTripFuzzTest {

    // x264, High profile level 3.1, 1280x720: the demuxer announces the track once it reads these.
    private static final byte[] SPS = HexFormat.of().parseHex("6764001facd9405005bb0110000003001000000303c0f1831960");
    private static final byte[] PPS = HexFormat.of().parseHex("68ebe3cb22c0");
    private static final byte[] AVCC = AvcDecoderConfig.of(List.of(SPS), List.of(PPS)).toBytes();
    private static final byte[] ASC = new AacConfig(2, 48_000, 2).toBytes();
    private static final int AUDIO_TIMESCALE = 48_000;

    @FuzzTest(maxDuration = "5s")
    void whatTheWriterMuxesTheDemuxerGivesBack(FuzzedDataProvider data) {
        List<TimedSample> video = new ArrayList<>();
        // Up to twice the 33-bit range, so segments across the wrap come up.
        long decodeTime = data.consumeLong(0, 1L << 34);
        int pictures = data.consumeInt(1, 12);
        for (int i = 0; i < pictures; i++) {
            boolean sync = i == 0 || data.consumeBoolean();
            byte[] nal = noZeros(data.consumeBytes(data.consumeInt(1, 1500)));
            byte[] sample = lengthPrefixed((byte) (sync ? 0x65 : 0x41), nal);
            video.add(new TimedSample(decodeTime, 3000, data.consumeInt(0, 9000), sync, sample));
            decodeTime += data.consumeInt(1, 6000);
        }
        List<TimedSample> audio = new ArrayList<>();
        long audioTime = video.getFirst().decodeTime() * AUDIO_TIMESCALE / 90_000 + data.consumeInt(0, 2048);
        int frames = data.consumeInt(0, 12);
        for (int i = 0; i < frames; i++) {
            audio.add(new TimedSample(audioTime, 1024, 0, true, data.consumeBytes(data.consumeInt(1, 700))));
            audioTime += 1024;
        }

        byte[] ts = TsSegmentWriter.write(AVCC, video, 90_000, audio.isEmpty() ? null : ASC, audio, AUDIO_TIMESCALE);
        Collected collected = new Collected();
        TsDemuxer demuxer = new TsDemuxer(collected);
        demuxer.feed(ts, 0, ts.length);
        demuxer.flush();

        List<AccessUnit> videoOut = collected.units.stream().filter(u -> u.trackId() == collected.videoTrack).toList();
        List<AccessUnit> audioOut = collected.units.stream().filter(u -> u.trackId() != collected.videoTrack).toList();
        assertEquals(video.size(), videoOut.size(), "video units");
        for (int i = 0; i < video.size(); i++) {
            TimedSample in = video.get(i);
            AccessUnit out = videoOut.get(i);
            assertArrayEquals(in.data(), out.data(), "video unit " + i);
            assertEquals(in.sync(), out.keyFrame(), "key frame " + i);
            assertEquals(wrap(in.decodeTime()), wrap(out.dts()), "dts " + i);
            assertEquals(wrap(in.decodeTime() + in.compositionOffset()), wrap(out.pts()), "pts " + i);
        }
        assertEquals(audio.size(), audioOut.size(), "AAC frames");
        for (int i = 0; i < audio.size(); i++) {
            assertArrayEquals(audio.get(i).data(), audioOut.get(i).data(), "AAC frame " + i);
            assertEquals(wrap(Math.floorDiv(audio.get(i).decodeTime() * 90_000, AUDIO_TIMESCALE)), wrap(audioOut.get(i).dts()),
                    "AAC dts " + i);
        }
    }

    private static long wrap(long ticks90k) {
        return ticks90k & ((1L << 33) - 1);
    }

    private static byte[] noZeros(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                bytes[i] = 1;
            }
        }
        return bytes;
    }

    private static byte[] lengthPrefixed(byte header, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = payload.length + 1;
        out.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, header});
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static final class Collected implements TsDemuxerListener {
        final List<AccessUnit> units = new ArrayList<>();
        int videoTrack = -1;

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            for (TrackInfo track : tracks) {
                if (track.isVideo()) {
                    videoTrack = track.trackId();
                }
            }
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            units.add(unit);
        }
    }
}
