package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import dev.glasscast.media.codec.NalUnits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * H.265 in PES (stream_type 0x24), treated like {@link TsH264Stream}: one PES is one access
 * unit; AUD, VPS, SPS and PPS leave the samples for the track's hvcC; a frame with an IRAP
 * picture (IDR, CRA, BLA) is a key frame.
 */
final class TsH265Stream extends TsElementaryStream {

    private byte[] vps;
    private byte[] sps;
    private byte[] pps;
    private TrackInfo track;

    TsH265Stream(int pid) {
        super(pid, TsStreamType.H265);
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
        boolean key = false;
        boolean changed = false;
        for (byte[] nal : nals) {
            if (nal.length < 2) {
                continue;
            }
            int type = HevcSps.nalType(nal[0]);
            switch (type) {
                case HevcSps.NAL_AUD -> { }
                case HevcSps.NAL_VPS -> {
                    changed |= !Arrays.equals(vps, nal);
                    vps = nal;
                }
                case HevcSps.NAL_SPS -> {
                    changed |= !Arrays.equals(sps, nal);
                    sps = nal;
                }
                case HevcSps.NAL_PPS -> {
                    changed |= !Arrays.equals(pps, nal);
                    pps = nal;
                }
                default -> {
                    key |= HevcSps.isRandomAccess(type);
                    sample.add(nal);
                }
            }
        }
        if (changed && vps != null && sps != null && pps != null) {
            try {
                HevcSps parsed = HevcSps.parse(sps);
                track = TrackInfo.video(pid, Codec.H265, 90_000, parsed.width(), parsed.height(), 0, 0,
                        HevcDecoderConfig.toBytes(vps, sps, pps));
            } catch (RuntimeException e) {
                sps = null; // corrupt: keep the previous configuration until a good SPS comes
            }
        }
        if (sample.isEmpty() || track == null) {
            return true;
        }
        out.accept(new AccessUnit(pid, dts, pts, 0, key, NalUnits.toLengthPrefixed(sample)));
        return true;
    }

    @Override
    TrackInfo track() {
        return track;
    }
}
