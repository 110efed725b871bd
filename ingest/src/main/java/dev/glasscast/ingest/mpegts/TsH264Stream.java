package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.H264Sps;
import dev.glasscast.media.codec.NalUnits;
import java.util.Arrays;
import java.util.List;

/**
 * H.264 in PES (stream_type 0x1B), see {@link TsNalStream}: SPS and PPS go to the track's avcC
 * (a new TrackInfo whenever they change, at once). A frame is a key frame when it holds an IDR
 * slice.
 */
final class TsH264Stream extends TsNalStream {

    private byte[] sps;
    private byte[] pps;

    TsH264Stream(int pid) {
        super(pid, TsStreamType.H264);
    }

    @Override
    Role roleOf(byte[] nal) {
        return switch (NalUnits.h264Type(nal[0])) {
            case NalUnits.H264_NAL_AUD -> Role.SKIP;
            case NalUnits.H264_NAL_SPS, NalUnits.H264_NAL_PPS -> Role.PARAMETER_SET;
            case NalUnits.H264_NAL_SLICE_IDR -> Role.KEY_SLICE;
            default -> Role.OTHER;
        };
    }

    @Override
    void onParameterSet(byte[] nal) {
        if (NalUnits.h264Type(nal[0]) == NalUnits.H264_NAL_SPS) {
            updateParameterSets(nal, pps);
        } else {
            updateParameterSets(sps, nal);
        }
    }

    private void updateParameterSets(byte[] newSps, byte[] newPps) {
        if (Arrays.equals(newSps, sps) && Arrays.equals(newPps, pps)) {
            return;
        }
        sps = newSps;
        pps = newPps;
        if (sps == null || pps == null) {
            return;
        }
        try {
            H264Sps parsed = H264Sps.parse(sps);
            byte[] avcC = AvcDecoderConfig.of(List.of(sps), List.of(pps)).toBytes();
            setTrack(TrackInfo.video(pid, Codec.H264, 90_000, parsed.width(), parsed.height(), parsed.frameRate(), 0,
                    avcC));
        } catch (RuntimeException e) {
            // A corrupt SPS: keep the previous configuration; the next SPS will try again.
            sps = null;
        }
    }
}
