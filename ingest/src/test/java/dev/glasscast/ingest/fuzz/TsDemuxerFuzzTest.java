package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.mpegts.TsDemuxer;
import dev.glasscast.ingest.mpegts.TsDemuxerListener;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Feeds arbitrary bytes to the MPEG-TS demuxer in slices whose size the input's first byte picks,
 * then flushes. The demuxer documents that nothing it is fed can make it throw, so every exception
 * is a finding; so is output that breaks its listener contract (an access unit before its track's
 * announcement, decode times going back on a track).
 *
 * <p>The seeds are real transport streams cut from Debian ffmpeg's output (H.264 + AAC, H.265),
 * so the fuzzer starts inside valid PAT, PMT and PES structure.
 */
class TsDemuxerFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void demuxesOrSkipsEveryPacket(byte[] input) {
        CheckingListener listener = new CheckingListener();
        TsDemuxer demuxer = new TsDemuxer(listener, 64 * 1024, 4);
        int slice = input.length == 0 ? 1 : 1 + (input[0] & 0xFF) * 3;
        for (int offset = 0; offset < input.length; offset += slice) {
            demuxer.feed(input, offset, Math.min(slice, input.length - offset));
        }
        demuxer.flush();
    }

    private static final class CheckingListener implements TsDemuxerListener {
        private final Set<Integer> announced = new HashSet<>();
        private final Map<Integer, Long> lastDts = new HashMap<>();

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            announced.clear();
            for (TrackInfo track : tracks) {
                announced.add(track.trackId());
            }
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            assertTrue(announced.contains(unit.trackId()), "access unit of unannounced track " + unit.trackId());
            Long previous = lastDts.put(unit.trackId(), unit.dts());
            assertTrue(previous == null || unit.dts() >= previous,
                    "decode time went back on track " + unit.trackId() + ": " + previous + " -> " + unit.dts());
        }
    }
}
