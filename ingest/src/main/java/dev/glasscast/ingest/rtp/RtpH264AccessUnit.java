package dev.glasscast.ingest.rtp;

import dev.glasscast.media.AccessUnit;
import java.util.List;

/**
 * One access unit reassembled by {@link RtpH264Depacketizer}.
 *
 * @param timestamp unwrapped 90 kHz RTP timestamp (the presentation time; WebRTC carries no DTS)
 * @param data      NAL units with 4-byte length prefixes, as {@link AccessUnit#data()} holds them
 *                  (parameter sets included where they arrived); never modified
 * @param keyFrame  it contains an IDR slice
 * @param damaged   part of it was lost or malformed; the NAL units that survived are in {@code data}
 * @param decodable it is undamaged and so is every unit back to the last undamaged key frame: a
 *                  decoder can show it without artefacts
 * @param sps       sequence parameter sets it carried, in order; never modified
 * @param pps       picture parameter sets it carried, in order; never modified
 */
public record RtpH264AccessUnit(long timestamp, byte[] data, boolean keyFrame, boolean damaged, boolean decodable,
                                List<byte[]> sps, List<byte[]> pps) {

    public RtpH264AccessUnit {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    /** As a media access unit in the 90 kHz timescale, with dts = pts (the ladder needs no B-frames). */
    public AccessUnit toAccessUnit(int trackId, long timestampOffset) {
        long pts = timestamp - timestampOffset;
        return new AccessUnit(trackId, pts, pts, 0, keyFrame && !damaged, data);
    }
}
