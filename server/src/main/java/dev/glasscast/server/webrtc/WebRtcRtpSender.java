package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.rtcp.RtcpPacketEncoder;
import dev.glasscast.ingest.rtcp.RtcpSenderReport;
import dev.glasscast.ingest.rtp.RtpHeaderExtension;
import dev.glasscast.ingest.rtp.RtpHeaderExtensions;
import dev.glasscast.ingest.rtp.RtpPacket;
import dev.glasscast.ingest.rtp.RtpPacketEncoder;
import dev.glasscast.ingest.rtp.RtpPayload;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * One RTP stream to one WebRTC viewer (one SSRC): turns payloads into RTP packets, protects them
 * with the stream's own SRTP context (RFC 3711 keeps crypto state per SSRC), sends them out of
 * the session's UDP port, keeps them for NACKs when it has a history, and writes the sender
 * reports that tie its RTP clock to the wall clock.
 *
 * <p>The RTP timestamp is the payload's media timestamp plus a random offset, and the sequence
 * number counts on from a random start (RFC 3550 5.1).
 *
 * <p>Thread-safe: every method is synchronized (media, NACKs and reports come on three threads).
 */
final class WebRtcRtpSender {

    private final int payloadType;
    private final int ssrc;
    private final int clockRate;
    private final SrtpContext srtp;
    private final WebRtcDatagramSender out;
    private final Supplier<InetSocketAddress> remote;
    private final int timestampOffset;
    private final WebRtcPacketHistory history;
    private final int absSendTimeId;

    private int sequence;
    private long packetsSent;
    private long payloadOctetsSent;
    private boolean sentAny;
    private long retransmitted;
    private long unprotectable;

    /**
     * @param clockRate       the payload format's RTP clock (90 kHz video, 48 kHz Opus)
     * @param srtp            this SSRC's send context; this sender is its only user
     * @param remote          where the session's ICE pair points now
     * @param historyCapacity packets kept for NACKs, a power of two, or 0 for none
     * @param absSendTimeId   the negotiated abs-send-time extension's id, stamped on every packet
     *                        (the receiver's bandwidth estimate, REMB, is made from it), or 0
     */
    WebRtcRtpSender(int payloadType, int ssrc, int clockRate, SrtpContext srtp, WebRtcDatagramSender out,
                    Supplier<InetSocketAddress> remote, int firstSequence, int timestampOffset, int historyCapacity,
                    int absSendTimeId) {
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.srtp = srtp;
        this.out = out;
        this.remote = remote;
        this.sequence = firstSequence & 0xFFFF;
        this.timestampOffset = timestampOffset;
        this.history = historyCapacity == 0 ? null : new WebRtcPacketHistory(historyCapacity);
        this.absSendTimeId = absSendTimeId;
    }

    int ssrc() {
        return ssrc;
    }

    /** Sends the payloads of one media unit, in order. */
    synchronized void send(List<RtpPayload> payloads) {
        InetSocketAddress to = remote.get();
        for (RtpPayload payload : payloads) {
            RtpPacket packet = payload.toPacket(payloadType, sequence, ssrc, timestampOffset);
            if (absSendTimeId > 0) {
                packet = packet.withExtensions(RtpHeaderExtensions.of(
                        RtpHeaderExtension.absSendTime(absSendTimeId, System.nanoTime())));
            }
            byte[] plain = new byte[packet.encodedLength()];
            RtpPacketEncoder.encode(packet, Unpooled.wrappedBuffer(plain).writerIndex(0));
            if (srtp.protectRtp(plain, 0, plain.length) instanceof SrtpResult.Packet(byte[] wire)) {
                if (history != null) {
                    history.add(sequence, wire);
                }
                if (to != null) {
                    out.send(Unpooled.wrappedBuffer(wire), to);
                }
            } else {
                unprotectable++;
            }
            sequence = (sequence + 1) & 0xFFFF;
            packetsSent++;
            payloadOctetsSent += payload.payload().length;
            sentAny = true;
        }
    }

    /** Sends again what a NACK lists, those still in the history. */
    synchronized void retransmit(List<Integer> lostSequences) {
        InetSocketAddress to = remote.get();
        if (history == null || to == null) {
            return;
        }
        for (int lost : lostSequences) {
            byte[] wire = history.find(lost);
            if (wire != null) {
                out.send(Unpooled.wrappedBuffer(wire), to);
                retransmitted++;
            }
        }
    }

    /**
     * Sends a sender report saying that media time {@code mediaSeconds} (the timeline the
     * payloads' timestamps count, in seconds) is wall-clock time {@code ntp}, once anything was
     * sent. Every stream of a session reports from the same media clock, which is what lets the
     * browser line audio up with video.
     */
    synchronized void report(double mediaSeconds, long ntp) {
        InetSocketAddress to = remote.get();
        if (!sentAny || to == null) {
            return;
        }
        int rtpNow = timestampOffset + (int) (long) Math.floor(mediaSeconds * clockRate);
        RtcpSenderReport report = new RtcpSenderReport(ssrc, ntp, rtpNow, (int) packetsSent, (int) payloadOctetsSent,
                List.of());
        ByteBuf plain = RtcpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT, report);
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(plain);
        } finally {
            plain.release();
        }
        if (srtp.protectRtcp(bytes, 0, bytes.length) instanceof SrtpResult.Packet(byte[] wire)) {
            out.send(Unpooled.wrappedBuffer(wire), to);
        } else {
            unprotectable++;
        }
    }

    synchronized Stats stats() {
        return new Stats(packetsSent, payloadOctetsSent, retransmitted, unprotectable);
    }

    /** Counts since the stream began. */
    record Stats(long packets, long payloadOctets, long retransmitted, long unprotectable) {
    }
}
