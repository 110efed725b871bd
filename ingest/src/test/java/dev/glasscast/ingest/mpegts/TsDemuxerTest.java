package dev.glasscast.ingest.mpegts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.NalUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsDemuxerTest {

    /** 4 s of 640x360 at 25 fps H.264 plus 48 kHz stereo AAC, made by Debian's ffmpeg. */
    static byte[] sample;

    @BeforeAll
    static void encodeSample(@TempDir Path dir) throws Exception {
        sample = Files.readAllBytes(TsSamples.encode(dir.resolve("sample.ts"), 640, 360, 25, 4));
    }

    static final class Collector implements TsDemuxerListener {
        final List<List<TrackInfo>> announcements = new ArrayList<>();
        final List<AccessUnit> units = new ArrayList<>();
        final List<String> notices = new ArrayList<>();
        int discontinuities;

        @Override
        public void onNotice(String notice) {
            notices.add(notice);
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            announcements.add(tracks);
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            assertTrue(announcements.getLast().stream().anyMatch(t -> t.trackId() == unit.trackId()),
                    "unit before its track: " + unit);
            units.add(unit);
        }

        @Override
        public void onDiscontinuity() {
            discontinuities++;
        }

        TrackInfo track(Codec codec) {
            return announcements.getLast().stream().filter(t -> t.codec() == codec).findFirst().orElseThrow();
        }

        List<AccessUnit> units(TrackInfo track) {
            return units.stream().filter(u -> u.trackId() == track.trackId()).toList();
        }
    }

    @Test
    void demuxesFfmpegOutputInAnyChunking() {
        for (int chunk : new int[] {188, 1316, 7, 65536}) {
            Collector out = new Collector();
            TsDemuxer demuxer = new TsDemuxer(out);
            for (int i = 0; i < sample.length; i += chunk) {
                demuxer.feed(sample, i, Math.min(chunk, sample.length - i));
            }
            demuxer.flush();

            assertEquals(1, out.announcements.size());
            TrackInfo video = out.track(Codec.H264);
            TrackInfo audio = out.track(Codec.AAC);
            assertEquals(640, video.width());
            assertEquals(360, video.height());
            assertEquals(90_000, video.timescale());
            assertEquals(48_000, audio.sampleRate());
            assertEquals(2, audio.channels());

            List<AccessUnit> frames = out.units(video);
            assertEquals(100, frames.size(), "4 s at 25 fps");
            assertTrue(frames.getFirst().keyFrame());
            assertEquals(2, frames.stream().filter(AccessUnit::keyFrame).count(), "GOP of 50");
            assertMonotonic(frames);
            for (AccessUnit frame : frames) {
                for (byte[] nal : NalUnits.splitLengthPrefixed(frame.data())) {
                    int type = NalUnits.h264Type(nal[0]);
                    assertTrue(type != NalUnits.H264_NAL_AUD && type != NalUnits.H264_NAL_SPS && type != NalUnits.H264_NAL_PPS);
                }
            }
            assertEquals(3600, frames.get(1).dts() - frames.get(0).dts());

            List<AccessUnit> aacFrames = out.units(audio);
            assertMonotonic(aacFrames);
            // 4 s of 48 kHz in 1024-sample frames is 187.5; the encoder may pad one more.
            assertTrue(aacFrames.size() >= 186 && aacFrames.size() <= 190, "AAC frames: " + aacFrames.size());
            assertEquals(1920, aacFrames.get(1).dts() - aacFrames.get(0).dts());

            TsDemuxerStats stats = demuxer.stats();
            assertEquals(0, stats.continuityErrors());
            assertEquals(0, stats.syncLosses());
            assertEquals(0, stats.crcErrors());
            assertEquals(0, stats.malformed());
            assertEquals(sample.length / 188, stats.packets());
        }
    }

    @Test
    void demuxesH265(@TempDir Path dir) throws Exception {
        byte[] hevc = Files.readAllBytes(TsSamples.encode(dir.resolve("hevc.ts"), 320, 240, 25, 2, "libx265"));
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        demuxer.feed(hevc, 0, hevc.length);
        demuxer.flush();
        TrackInfo video = out.track(Codec.H265);
        assertEquals(320, video.width());
        assertEquals(240, video.height());
        byte[] hvcC = video.codecConfig();
        assertEquals(1, hvcC[0], "configurationVersion");
        assertEquals(1, hvcC[1] & 0x1F, "Main profile");
        assertEquals(3, hvcC[22], "VPS, SPS and PPS arrays");
        List<AccessUnit> frames = out.units(video);
        assertEquals(50, frames.size());
        assertTrue(frames.getFirst().keyFrame());
        assertMonotonic(frames);
        assertEquals(0, demuxer.stats().malformed());
    }

    @Test
    void unwrapsThe33BitClock() {
        TsTimestampUnwrapper unwrapper = new TsTimestampUnwrapper();
        long wrap = TsTimestampUnwrapper.WRAP;
        assertEquals(wrap - 3000, unwrapper.unwrap(wrap - 3000));
        assertEquals(wrap + 600, unwrapper.unwrap(600));
        assertEquals(wrap - 1000, unwrapper.unwrap(wrap - 1000), "a B-frame just before the wrap stays before it");
        assertEquals(wrap + 4200, unwrapper.unwrap(4200));
        long t = wrap + 4200;
        for (int i = 0; i < 5; i++) {
            t += wrap / 4;
            assertEquals(t, unwrapper.unwrap(t));
        }
    }

    @Test
    void survivesDroppedPacketsAndCountsThem() {
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        Random random = new Random(7);
        int dropped = 0;
        for (int i = 0; i + 188 <= sample.length; i += 188) {
            if (i > 188 * 50 && random.nextInt(100) == 0) {
                dropped++;
                continue;
            }
            demuxer.feed(sample, i, 188);
        }
        assertTrue(dropped > 0);
        assertTrue(demuxer.stats().continuityErrors() > 0);
        assertTrue(demuxer.stats().continuityErrors() <= dropped);
        int audioFrames = out.units(out.track(Codec.AAC)).size();
        assertTrue(audioFrames > 150, "most audio frames survive: " + audioFrames + ", lost packets " + dropped);
        assertMonotonic(out.units(out.track(Codec.H264)));
        assertMonotonic(out.units(out.track(Codec.AAC)));
    }

    @Test
    void resynchronisesAfterGarbage() {
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        int half = (sample.length / 188 / 2) * 188;
        demuxer.feed(sample, 0, half);
        demuxer.feed(new byte[] {1, 2, 3, 0x47, 5, 6, 7}, 0, 7);
        demuxer.feed(sample, half + 188 * 3 + 100, sample.length - half - 188 * 3 - 100);
        demuxer.flush();
        assertTrue(demuxer.stats().syncLosses() >= 1);
        assertTrue(out.units(out.track(Codec.H264)).size() > 80);
    }

    /**
     * Garbage, plausible garbage and a mutated real stream: the demuxer must not throw, must count
     * the damage it skipped, and must come back to demuxing the clean stream fed after it, frame
     * for frame what a fresh demuxer makes of that stream.
     */
    @Test
    void survivesHostileInputCountsTheDamageAndRecovers() {
        List<AccessUnit> cleanUnits = demuxedAlone(sample);
        List<byte[]> clean = videoPayloads(cleanUnits);
        int lastKeyFrame = 0;
        for (int i = 0; i < cleanUnits.size(); i++) {
            lastKeyFrame = cleanUnits.get(i).keyFrame() ? i : lastKeyFrame;
        }
        // A frame glued to the damage is dropped, and so is what depends on it: the demuxer must be
        // back by the clean stream's last key frame at the latest, from there on byte for byte.
        int compared = clean.size() - lastKeyFrame;
        assertTrue(compared >= 40, "the sample's last GOP: " + compared + " frames");
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            Collector out = new Collector();
            TsDemuxer demuxer = new TsDemuxer(out, 64 * 1024, 4);
            byte[] data = new byte[188 * 64];
            random.nextBytes(data);
            // Plausible headers make the garbage reach the PSI and PES parsers.
            for (int i = 0; i < data.length; i += 188) {
                data[i] = 0x47;
                if (random.nextBoolean()) {
                    data[i + 1] = (byte) (random.nextBoolean() ? 0x40 : 0x00);
                    data[i + 2] = (byte) (random.nextInt(3) == 0 ? 0 : 0x10 + random.nextInt(4));
                }
            }
            if (round % 2 == 0) {
                // Real PAT/PMT first, so garbage reaches the elementary stream parsers too.
                demuxer.feed(sample, 0, 188 * 40);
            }
            demuxer.feed(data, 0, data.length);
            // Mutate the real stream: flipped bytes anywhere, and a few bytes lost mid-packet.
            byte[] mutated = sample.clone();
            for (int i = 0; i < 200; i++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            }
            int cut = 188 * (100 + random.nextInt(100)) + 1 + random.nextInt(180);
            demuxer.feed(mutated, 0, cut);
            demuxer.feed(mutated, cut + 7, Math.min(mutated.length, 188 * 400) - cut - 7);
            demuxer.flush();
            TsDemuxerStats damage = demuxer.stats();
            assertTrue(damage.syncLosses() + damage.continuityErrors() + damage.malformed() + damage.crcErrors()
                    + damage.transportErrors() > 0,
                    "round " + round + ": the garbage is counted: " + damage);

            int before = out.units.size();
            demuxer.feed(sample, 0, sample.length);
            demuxer.flush();
            TrackInfo video = out.track(Codec.H264);
            List<byte[]> recovered = videoPayloads(out.units.subList(before, out.units.size()).stream()
                    .filter(u -> u.trackId() == video.trackId()).toList());
            assertTrue(recovered.size() >= compared, "round " + round + ": " + recovered.size() + " of " + clean.size()
                    + " frames after the damage");
            for (int i = 1; i <= compared; i++) {
                assertArrayEquals(clean.get(clean.size() - i), recovered.get(recovered.size() - i),
                        "round " + round + ": frame " + (clean.size() - i) + " after the damage");
            }
        }
    }

    private static List<AccessUnit> demuxedAlone(byte[] stream) {
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        demuxer.feed(stream, 0, stream.length);
        demuxer.flush();
        return out.units(out.track(Codec.H264));
    }

    private static List<byte[]> videoPayloads(List<AccessUnit> units) {
        return units.stream().map(AccessUnit::data).toList();
    }

    @Test
    void pmtVersionChangeReannouncesTracks() throws IOException {
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        demuxer.feed(sample, 0, sample.length);
        int before = out.announcements.size();
        // The same content again with a bumped PMT version and a discontinuity in the clock.
        byte[] again = TsSamples.withPmtVersion(sample, 3);
        demuxer.feed(again, 0, again.length);
        demuxer.flush();
        assertTrue(out.announcements.size() > before, "re-announced");
        assertMonotonic(out.units(out.track(Codec.H264)));
        assertTrue(out.discontinuities >= 1);
    }

    @Test
    void audioInACodecNotTakenIsNamedInANoticeAndTheVideoStillComes(@TempDir Path dir) throws Exception {
        byte[] mp2 = Files.readAllBytes(TsSamples.encode(dir.resolve("mp2.ts"), 320, 180, 25, 2, "libx264", "mp2"));
        Collector out = new Collector();
        TsDemuxer demuxer = new TsDemuxer(out);
        demuxer.feed(mp2, 0, mp2.length);
        demuxer.flush();
        assertEquals(1, out.notices.size(), "one notice per PMT: " + out.notices);
        assertTrue(out.notices.getFirst().startsWith("MPEG-1 audio (MP2/MP3) (PID "), out.notices.getFirst());
        assertTrue(out.notices.getFirst().contains("AAC audio"), out.notices.getFirst());
        assertEquals(List.of(Codec.H264), out.announcements.getLast().stream().map(TrackInfo::codec).toList());
        assertTrue(out.units(out.track(Codec.H264)).size() >= 50, "the video still comes");
    }

    static void assertMonotonic(List<AccessUnit> units) {
        for (int i = 1; i < units.size(); i++) {
            assertTrue(units.get(i).dts() >= units.get(i - 1).dts(), "dts went back at " + i + ": " + units.get(i));
            assertTrue(units.get(i).pts() >= units.get(i).dts(), "pts before dts at " + i);
        }
    }
}
