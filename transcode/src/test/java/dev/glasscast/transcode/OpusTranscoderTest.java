package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AAC in, Opus out as WebRTC sends it: 20 ms frames at 48 kHz on a timeline that starts at the
 * AAC's first pts and counts samples, decoding (with FFmpeg's own Opus decoder) to as much sound
 * as went in, still the tone, not silence.
 */
class OpusTranscoderTest {

    @TempDir
    Path dir;

    @Test
    void aTwoSecondToneComesOutAsTwentyMillisecondOpusFramesOnTheSameTimeline() throws Exception {
        SyntheticClip clip = SyntheticClip.make(dir.resolve("tone.mp4"), 64, 64, 25, 50, 25);
        List<AccessUnit> aac = clip.units().stream().filter(u -> u.trackId() == SyntheticClip.AUDIO_TRACK).toList();
        List<AccessUnit> opus = new ArrayList<>();
        try (OpusTranscoder transcoder = new OpusTranscoder(clip.audio(), OpusTranscoder.DEFAULT_BITRATE)) {
            for (AccessUnit unit : aac) {
                transcoder.transcode(unit, opus::add);
            }
        }
        long firstAacAt48k = aac.getFirst().pts() * OpusTranscoder.SAMPLE_RATE / clip.audio().timescale();
        assertEquals(firstAacAt48k, opus.getFirst().pts(), "the first frame carries the first AAC frame's time");
        for (int i = 1; i < opus.size(); i++) {
            assertEquals(OpusTranscoder.FRAME_SAMPLES, opus.get(i).pts() - opus.get(i - 1).pts(), "frame " + i);
            assertTrue(opus.get(i).keyFrame());
        }
        // 2 s of AAC less the frames still in libopus's look-ahead and the FIFO: within 60 ms.
        long aacSamples = Decoded.aacSamples(clip.audio(), aac);
        long opusSamples = (long) opus.size() * OpusTranscoder.FRAME_SAMPLES;
        assertTrue(aacSamples - opusSamples >= 0 && aacSamples - opusSamples < 3 * OpusTranscoder.FRAME_SAMPLES,
                aacSamples + " AAC samples, " + opusSamples + " Opus");
        Decoded.Sound sound = Decoded.opus(opus);
        assertEquals(opusSamples, sound.samples());
        // The tone's amplitude is 8000/32768, an RMS of 0.17; silence would be 0.
        assertTrue(sound.rms() > 0.1 && sound.rms() < 0.25, "RMS " + sound.rms());
    }

    /** A WHIP publisher's Opus back to AAC for HLS and DASH: as much sound, still the tone, on the same timeline. */
    @Test
    void opusComesBackAsAacForHlsAndDash() throws Exception {
        SyntheticClip clip = SyntheticClip.make(dir.resolve("tone.mp4"), 64, 64, 25, 50, 25);
        List<AccessUnit> opus = new ArrayList<>();
        try (OpusTranscoder transcoder = new OpusTranscoder(clip.audio(), OpusTranscoder.DEFAULT_BITRATE)) {
            clip.units().stream().filter(u -> u.trackId() == SyntheticClip.AUDIO_TRACK)
                    .forEach(unit -> transcoder.transcode(unit, opus::add));
        }
        List<AccessUnit> aac = new ArrayList<>();
        TrackInfo track;
        try (AacTranscoder transcoder = AacTranscoder.fromOpus(2, OpusTranscoder.SAMPLE_RATE, 128_000)) {
            opus.forEach(unit -> transcoder.transcode(unit, aac::add));
            transcoder.drain(aac::add);
            track = transcoder.track();
        }
        assertEquals(48_000, track.sampleRate());
        assertEquals(2, track.channels());
        assertEquals(opus.getFirst().pts(), aac.getFirst().pts(), "the first AAC frame carries the first Opus frame's time");
        long opusSamples = (long) opus.size() * OpusTranscoder.FRAME_SAMPLES;
        long aacSamples = Decoded.aacSamples(track, aac);
        assertTrue(Math.abs(aacSamples - opusSamples) <= 2 * 1024, aacSamples + " AAC samples, " + opusSamples + " Opus");
    }

    @Test
    void onlyAacIsTaken() {
        TrackInfo video = TrackInfo.video(1, Codec.H264, 90_000, 64, 64, 25, 0, new byte[0]);
        assertThrows(TranscodeException.class, () -> new OpusTranscoder(video, OpusTranscoder.DEFAULT_BITRATE));
    }
}
