package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.rtp.RtpH264Packetizer;
import dev.glasscast.ingest.rtp.RtpPayload;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.NalUnits;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one H.264 rendition to one WebRTC viewer: RTP per RFC 6184 ({@link RtpH264Packetizer})
 * through a {@link WebRtcRtpSender} that keeps a history for NACKs. It starts at a key frame (a
 * decoder cannot start elsewhere), and again after the track changed.
 *
 * <p>The rendition's timestamps are already continuous across publishers and slates
 * ({@code ContinuousRendition}), so the RTP timestamp is the unit's pts in 90 kHz.
 *
 * <p>Thread-safe: every method is synchronized. The hub reader's thread sends units, the UDP
 * event loop asks for retransmissions, the report timer asks for reports.
 */
final class WebRtcVideoSender {

    private static final Logger log = LoggerFactory.getLogger(WebRtcVideoSender.class);

    private final String session;
    private final WebRtcRtpSender rtp;

    private TrackInfo track;
    private RtpH264Packetizer packetizer;
    private boolean awaitingKeyFrame = true;
    private long unitsSent;
    private long pictureLossRequests;

    /**
     * @param session         for logs
     * @param payloadType     the H.264 payload type the answer chose
     * @param ssrc            our video SSRC, as the answer announced it
     * @param srtp            the video SSRC's SRTP send context
     * @param remote          where the session's ICE pair points now
     * @param firstSequence   a random first sequence number
     * @param timestampOffset a random RTP timestamp offset
     * @param absSendTimeId   the negotiated abs-send-time extension's id, or 0
     */
    WebRtcVideoSender(String session, int payloadType, int ssrc, SrtpContext srtp, WebRtcDatagramSender out,
                      Supplier<InetSocketAddress> remote, int firstSequence, int timestampOffset, int absSendTimeId) {
        this.session = session;
        this.rtp = new WebRtcRtpSender(payloadType, ssrc, RtpH264Packetizer.CLOCK_RATE, srtp, out, remote, firstSequence,
                timestampOffset, WebRtcPacketHistory.DEFAULT_CAPACITY, absSendTimeId);
    }

    /** Our video SSRC: what the viewer's receiver reports name. */
    int ssrc() {
        return rtp.ssrc();
    }

    /** The rendition's video track (again when it changes): the next unit sent is a key frame. */
    synchronized void track(TrackInfo newTrack) {
        if (!newTrack.equals(track)) {
            track = newTrack;
            packetizer = new RtpH264Packetizer(newTrack);
            awaitingKeyFrame = true;
        }
    }

    /** Packetizes, protects and sends one access unit. */
    synchronized void send(AccessUnit unit) {
        if (packetizer == null || awaitingKeyFrame && !startsPicture(unit)) {
            return;
        }
        List<RtpPayload> payloads;
        try {
            payloads = packetizer.packetize(unit);
        } catch (IllegalArgumentException e) {
            log.warn("WebRTC session {}: a video unit cannot be packetized ({}); waiting for the next key frame", session,
                    e.getMessage());
            awaitingKeyFrame = true;
            return;
        }
        awaitingKeyFrame = false;
        if (!payloads.isEmpty()) {
            rtp.send(payloads);
            unitsSent++;
        }
    }

    /**
     * Whether a decoder can start at this unit: a key frame, or an IDR the encoder made for a
     * viewer's PLI, which the rendition marks as no random-access point to keep HLS's segments on
     * the grid every rung shares.
     */
    static boolean startsPicture(AccessUnit unit) {
        if (unit.keyFrame()) {
            return true;
        }
        for (byte[] nal : NalUnits.splitLengthPrefixed(unit.data())) {
            if (nal.length > 0 && NalUnits.h264Type(nal[0]) == NalUnits.H264_NAL_SLICE_IDR) {
                return true;
            }
        }
        return false;
    }

    void retransmit(List<Integer> lostSequences) {
        rtp.retransmit(lostSequences);
    }

    /** A PLI or FIR: the viewer's decoder lost its reference (counted; the transport asks for a key frame). */
    synchronized void pictureLost() {
        pictureLossRequests++;
    }

    /** See {@link WebRtcRtpSender#report}. */
    void report(double mediaSeconds, long ntp) {
        rtp.report(mediaSeconds, ntp);
    }

    /** What this sender has done, for logs and the API. */
    synchronized Stats stats() {
        WebRtcRtpSender.Stats sent = rtp.stats();
        return new Stats(unitsSent, sent.packets(), sent.payloadOctets(), sent.retransmitted(), pictureLossRequests,
                sent.unprotectable());
    }

    /** Counts since the session began. */
    record Stats(long units, long packets, long payloadOctets, long retransmitted, long pictureLossRequests,
                 long unprotectable) {
    }
}
