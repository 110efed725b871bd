package dev.glasscast.ingest.rtp;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.NalUnits;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns H.264 access units into RTP payloads per RFC 6184, packetization-mode=1
 * (non-interleaved): single NAL unit packets, one STAP-A for the parameter sets in front of an
 * IDR, and FU-A fragments for NAL units larger than the payload size.
 *
 * <p>Before every IDR the SPS and PPS of the track's avcC go first unless the access unit carries
 * its own: a browser that joins, or recovers after a PLI, must not wait for parameter sets that
 * were only in the SDP or in an earlier key frame. Access unit delimiters are dropped, as RFC
 * 6184 receivers neither need nor expect them. The marker bit is set on the last packet of each
 * access unit (RFC 6184 5.1), and every payload carries the pts in the 90 kHz clock.
 *
 * <p>Stateless apart from its configuration; one instance per track.
 */
public final class RtpH264Packetizer {

    /** Default largest payload: fits a 1280-byte path MTU after IP, UDP, RTP, extensions and SRTP. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 1200;
    public static final int CLOCK_RATE = 90_000;
    static final int NAL_STAP_A = 24;
    static final int NAL_FU_A = 28;
    private static final int FU_HEADER_SIZE = 2;

    private final int maxPayloadSize;
    private final int timescale;
    private final List<byte[]> sps;
    private final List<byte[]> pps;

    /**
     * @param track          an H.264 track; its avcC supplies the parameter sets sent before IDRs
     * @param maxPayloadSize largest RTP payload made ({@link #DEFAULT_MAX_PAYLOAD_SIZE}), at least 64
     */
    public RtpH264Packetizer(TrackInfo track, int maxPayloadSize) {
        if (track.codec() != Codec.H264) {
            throw new IllegalArgumentException("not an H.264 track: " + track);
        }
        if (maxPayloadSize < 64) {
            throw new IllegalArgumentException("maxPayloadSize too small: " + maxPayloadSize);
        }
        this.maxPayloadSize = maxPayloadSize;
        this.timescale = track.timescale();
        AvcDecoderConfig config = track.codecConfig().length == 0 ? null : AvcDecoderConfig.parse(track.codecConfig());
        this.sps = config == null ? List.of() : config.sps();
        this.pps = config == null ? List.of() : config.pps();
    }

    public RtpH264Packetizer(TrackInfo track) {
        this(track, DEFAULT_MAX_PAYLOAD_SIZE);
    }

    public int maxPayloadSize() {
        return maxPayloadSize;
    }

    /**
     * The payloads of one access unit, in sending order; empty if it holds no NAL unit worth
     * sending.
     *
     * @throws IllegalArgumentException if the access unit's length prefixes are inconsistent
     */
    public List<RtpPayload> packetize(AccessUnit unit) {
        int timestamp = (int) RtpPayload.rescale(unit.pts(), timescale, CLOCK_RATE);
        List<byte[]> nals = new ArrayList<>();
        boolean idr = false;
        boolean hasSps = false;
        boolean hasPps = false;
        for (byte[] nal : NalUnits.splitLengthPrefixed(unit.data())) {
            if (nal.length == 0) {
                continue;
            }
            int type = NalUnits.h264Type(nal[0]);
            if (type == NalUnits.H264_NAL_AUD) {
                continue;
            }
            idr |= type == NalUnits.H264_NAL_SLICE_IDR;
            hasSps |= type == NalUnits.H264_NAL_SPS;
            hasPps |= type == NalUnits.H264_NAL_PPS;
            nals.add(nal);
        }
        if (idr && !(hasSps && hasPps)) {
            List<byte[]> withParameters = new ArrayList<>(sps.size() + pps.size() + nals.size());
            if (!hasSps) {
                withParameters.addAll(sps);
            }
            if (!hasPps) {
                withParameters.addAll(pps);
            }
            withParameters.addAll(nals);
            nals = withParameters;
        }
        List<byte[]> payloads = new ArrayList<>();
        int index = 0;
        int parameterSets = leadingParameterSets(nals);
        if (parameterSets >= 2 && stapLength(nals, parameterSets) <= maxPayloadSize) {
            payloads.add(stapA(nals, parameterSets));
            index = parameterSets;
        }
        for (; index < nals.size(); index++) {
            byte[] nal = nals.get(index);
            if (nal.length <= maxPayloadSize) {
                payloads.add(nal);
            } else {
                fragment(nal, payloads);
            }
        }
        List<RtpPayload> out = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            out.add(new RtpPayload(timestamp, i == payloads.size() - 1, payloads.get(i)));
        }
        return out;
    }

    private static int leadingParameterSets(List<byte[]> nals) {
        int count = 0;
        while (count < nals.size()) {
            int type = NalUnits.h264Type(nals.get(count)[0]);
            if (type != NalUnits.H264_NAL_SPS && type != NalUnits.H264_NAL_PPS) {
                break;
            }
            count++;
        }
        return count;
    }

    private static int stapLength(List<byte[]> nals, int count) {
        int length = 1;
        for (int i = 0; i < count; i++) {
            length += 2 + nals.get(i).length;
        }
        return length;
    }

    /** RFC 6184 5.7.1: the STAP-A's NRI is the highest of its units' (F is 0: we send no errored units). */
    private static byte[] stapA(List<byte[]> nals, int count) {
        byte[] out = new byte[stapLength(nals, count)];
        int nri = 0;
        int pos = 1;
        for (int i = 0; i < count; i++) {
            byte[] nal = nals.get(i);
            nri = Math.max(nri, nal[0] & 0x60);
            out[pos++] = (byte) (nal.length >>> 8);
            out[pos++] = (byte) nal.length;
            System.arraycopy(nal, 0, out, pos, nal.length);
            pos += nal.length;
        }
        out[0] = (byte) (nri | NAL_STAP_A);
        return out;
    }

    /**
     * RFC 6184 5.8: the NAL header becomes the FU indicator (F, NRI, type 28) and the FU header
     * (S, E, type); its body is split into fragments of nearly equal size, so the last one is not
     * a runt that costs a packet for a few bytes.
     */
    private void fragment(byte[] nal, List<byte[]> out) {
        int bodyLength = nal.length - 1;
        int room = maxPayloadSize - FU_HEADER_SIZE;
        int count = (bodyLength + room - 1) / room;
        int base = bodyLength / count;
        int extra = bodyLength % count;
        byte indicator = (byte) ((nal[0] & 0xE0) | NAL_FU_A);
        int type = nal[0] & 0x1F;
        int pos = 1;
        for (int i = 0; i < count; i++) {
            int size = base + (i < extra ? 1 : 0);
            byte[] fragment = new byte[FU_HEADER_SIZE + size];
            fragment[0] = indicator;
            fragment[1] = (byte) ((i == 0 ? 0x80 : 0) | (i == count - 1 ? 0x40 : 0) | type);
            System.arraycopy(nal, pos, fragment, FU_HEADER_SIZE, size);
            pos += size;
            out.add(fragment);
        }
    }
}
