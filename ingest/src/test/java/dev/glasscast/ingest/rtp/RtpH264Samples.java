package dev.glasscast.ingest.rtp;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.NalUnits;
import java.util.Arrays;
import java.util.List;

/** Hand-made H.264 NAL units: enough structure for RTP, none for a decoder. */
final class RtpH264Samples {

    /** Baseline 3.1 SPS and a PPS, the shape x264 writes. */
    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1F, (byte) 0xDA, 0x01, 0x40, 0x16, (byte) 0xE8};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    static final byte[] AUD = {0x09, (byte) 0xF0};

    private RtpH264Samples() {
    }

    static TrackInfo track(int timescale) {
        byte[] avcC = AvcDecoderConfig.of(List.of(SPS), List.of(PPS)).toBytes();
        return TrackInfo.video(1, Codec.H264, timescale, 1280, 720, 30, 0, avcC);
    }

    /** A NAL unit of {@code size} bytes with header {@code header} and a recognisable body. */
    static byte[] nal(int header, int size, int seed) {
        byte[] nal = new byte[size];
        nal[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (i * 31 + seed);
        }
        return nal;
    }

    static AccessUnit unit(long pts, boolean key, byte[]... nals) {
        return new AccessUnit(1, pts, pts, 0, key, NalUnits.toLengthPrefixed(Arrays.asList(nals)));
    }
}
