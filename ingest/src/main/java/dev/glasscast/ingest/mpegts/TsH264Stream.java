package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.H264Sps;
import dev.glasscast.media.codec.NalUnits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * H.264 in PES (stream_type 0x1B): one PES is one access unit in Annex B framing.
 *
 * <p>Access unit delimiters, SPS and PPS are taken out of the samples: the parameter sets go to
 * the track's avcC instead (a new TrackInfo whenever they change), so samples look the same
 * whether they came in over SRT or RTMP. A frame is a key frame when it holds an IDR slice.
 */
final class TsH264Stream extends TsElementaryStream {

    private byte[] sps;
    private byte[] pps;
    private TrackInfo track;

    TsH264Stream(int pid) {
        super(pid, TsStreamType.H264);
    }

    @Override
    boolean onPes(long pts, long dts, byte[] data, int offset, int length, Consumer<AccessUnit> out) {
        List<byte[]> nals;
        try {
            nals = NalUnits.splitAnnexB(data, offset, length);
        } catch (IllegalArgumentException e) {
            return false;
        }
        List<byte[]> sample = new ArrayList<>(nals.size());
        boolean idr = false;
        for (byte[] nal : nals) {
            switch (NalUnits.h264Type(nal[0])) {
                case NalUnits.H264_NAL_AUD -> { }
                case NalUnits.H264_NAL_SPS -> updateParameterSets(nal, pps);
                case NalUnits.H264_NAL_PPS -> updateParameterSets(sps, nal);
                case NalUnits.H264_NAL_SLICE_IDR -> {
                    idr = true;
                    sample.add(nal);
                }
                default -> sample.add(nal);
            }
        }
        if (sample.isEmpty() || track == null) {
            return true;
        }
        out.accept(new AccessUnit(pid, dts, pts, 0, idr, NalUnits.toLengthPrefixed(sample)));
        return true;
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
            track = TrackInfo.video(pid, Codec.H264, 90_000, parsed.width(), parsed.height(), parsed.frameRate(), 0, avcC);
        } catch (RuntimeException e) {
            // A corrupt SPS: keep the previous configuration; the next SPS will try again.
            sps = null;
        }
    }

    @Override
    TrackInfo track() {
        return track;
    }
}
