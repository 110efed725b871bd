package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import java.util.Arrays;

/**
 * H.265 in PES (stream_type 0x24), see {@link TsNalStream}: VPS, SPS and PPS go to the track's
 * hvcC, rebuilt once per PES when any of them changed; a frame with an IRAP picture (IDR, CRA,
 * BLA) is a key frame.
 */
final class TsH265Stream extends TsNalStream {

    private byte[] vps;
    private byte[] sps;
    private byte[] pps;
    /** Whether a parameter set of the PES being read differs from the one before. */
    private boolean changed;

    TsH265Stream(int pid) {
        super(pid, TsStreamType.H265);
    }

    @Override
    Role roleOf(byte[] nal) {
        if (nal.length < 2) {
            return Role.SKIP;
        }
        int type = HevcSps.nalType(nal[0]);
        return switch (type) {
            case HevcSps.NAL_AUD -> Role.SKIP;
            case HevcSps.NAL_VPS, HevcSps.NAL_SPS, HevcSps.NAL_PPS -> Role.PARAMETER_SET;
            default -> HevcSps.isRandomAccess(type) ? Role.KEY_SLICE : Role.OTHER;
        };
    }

    @Override
    void onParameterSet(byte[] nal) {
        switch (HevcSps.nalType(nal[0])) {
            case HevcSps.NAL_VPS -> {
                changed |= !Arrays.equals(vps, nal);
                vps = nal;
            }
            case HevcSps.NAL_SPS -> {
                changed |= !Arrays.equals(sps, nal);
                sps = nal;
            }
            default -> {
                changed |= !Arrays.equals(pps, nal);
                pps = nal;
            }
        }
    }

    @Override
    void afterParameterSets() {
        if (changed && vps != null && sps != null && pps != null) {
            try {
                HevcSps parsed = HevcSps.parse(sps);
                setTrack(TrackInfo.video(pid, Codec.H265, 90_000, parsed.width(), parsed.height(), 0, 0,
                        HevcDecoderConfig.toBytes(vps, sps, pps)));
            } catch (RuntimeException e) {
                sps = null; // corrupt: keep the previous configuration until a good SPS comes
            }
        }
        changed = false;
    }
}
