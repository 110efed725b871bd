package dev.glasscast.packager.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AdtsHeader;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader.TimedSample;

/**
 * Muxes a live H.264 (and AAC) stream to one continuous MPEG-TS, unit by unit, as it arrives: the
 * feed of an SRT reader. The packets are those of {@link TsSegmentWriter} (same PIDs, PES and PCR
 * on the video PID), but the continuity counters run on from unit to unit, and PAT and PMT go out
 * before every key frame, so a reader can start decoding at any of them. Nothing is written
 * before the first video key frame.
 *
 * <p>Timestamps are the units' decode and presentation times in 90 kHz, modulo 2^33. Units are
 * written in the order they are given; the caller interleaves audio and video as they come.
 * Not thread-safe.
 */
public final class TsLiveWriter {

    private final TsSegmentWriter packets = new TsSegmentWriter();
    private final TrackInfo video;
    private final TrackInfo audio;
    private final AvcDecoderConfig avc;
    private final AacConfig aac;
    private boolean started;

    /**
     * @param video an H.264 track with its avcC
     * @param audio an AAC track with its AudioSpecificConfig, or null for video alone
     * @throws IllegalArgumentException if the video is not H.264 or the audio not AAC
     */
    public TsLiveWriter(TrackInfo video, TrackInfo audio) {
        if (!video.isVideo() || video.codec() != Codec.H264) {
            throw new IllegalArgumentException("MPEG-TS out takes H.264 video, not " + video.codec());
        }
        if (audio != null && audio.codec() != Codec.AAC) {
            throw new IllegalArgumentException("MPEG-TS out takes AAC audio, not " + audio.codec());
        }
        this.video = video;
        this.audio = audio;
        this.avc = AvcDecoderConfig.parse(video.codecConfig());
        this.aac = audio == null ? null : AacConfig.parse(audio.codecConfig());
    }

    /** Whether the first video key frame has been written (before it, units are skipped). */
    public boolean started() {
        return started;
    }

    /** The TS packets of one video access unit (length-prefixed NAL units), or none before the first key frame. */
    public byte[] video(AccessUnit unit) {
        if (!started && !unit.keyFrame()) {
            return new byte[0];
        }
        started = true;
        if (unit.keyFrame()) {
            packets.section(TsSegmentWriter.PAT_PID, TsSegmentWriter.pat());
            packets.section(TsSegmentWriter.PMT_PID, TsSegmentWriter.pmt(audio != null));
        }
        int timescale = video.timescale();
        long dts = TsSegmentWriter.to90k(unit.dts(), timescale);
        long pts = TsSegmentWriter.to90k(unit.pts(), timescale);
        TimedSample sample = new TimedSample(unit.dts(), unit.duration(), (int) unit.compositionOffset(), unit.keyFrame(),
                unit.data());
        byte[] pes = TsSegmentWriter.pes(0xE0, pts & TsSegmentWriter.TS_MASK, dts & TsSegmentWriter.TS_MASK,
                TsSegmentWriter.annexB(sample, avc), false);
        packets.packetize(TsSegmentWriter.VIDEO_PID, pes, dts & TsSegmentWriter.TS_MASK, unit.keyFrame());
        return packets.drain();
    }

    /** The TS packets of one raw AAC frame, or none before the first video key frame or without audio. */
    public byte[] audio(AccessUnit unit) {
        if (!started || audio == null) {
            return new byte[0];
        }
        long dts = TsSegmentWriter.to90k(unit.dts(), audio.timescale()) & TsSegmentWriter.TS_MASK;
        byte[] header = AdtsHeader.build(aac, unit.data().length);
        byte[] frame = new byte[header.length + unit.data().length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(unit.data(), 0, frame, header.length, unit.data().length);
        packets.packetize(TsSegmentWriter.AUDIO_PID, TsSegmentWriter.pes(0xC0, dts, -1, frame, true), -1, false);
        return packets.drain();
    }
}
