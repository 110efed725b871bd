package dev.glasscast.ingest.rtcp;

/**
 * One packet of an RTCP compound packet (RFC 3550 6.4 to 6.6, RFC 4585 6, RFC 5104 4.3.1,
 * draft-alvestrand-rmcat-remb, draft-holmer-rmcat-transport-wide-cc-extensions-01). Every
 * implementation is an immutable record; packets of types GlassCast does not read are kept as
 * {@link RtcpUnknownPacket}.
 */
public sealed interface RtcpPacket permits RtcpSenderReport, RtcpReceiverReport, RtcpSourceDescription, RtcpBye,
        RtcpGenericNack, RtcpTransportFeedback, RtcpPictureLossIndication, RtcpFullIntraRequest, RtcpRemb,
        RtcpUnknownPacket {

    int VERSION = 2;
    /** The common header: V, P, count or FMT, packet type, length in 32-bit words minus one. */
    int HEADER_SIZE = 4;

    int TYPE_SR = 200;
    int TYPE_RR = 201;
    int TYPE_SDES = 202;
    int TYPE_BYE = 203;
    int TYPE_APP = 204;
    /** Transport-layer feedback (RFC 4585 6.2). */
    int TYPE_RTPFB = 205;
    /** Payload-specific feedback (RFC 4585 6.3). */
    int TYPE_PSFB = 206;

    int FMT_NACK = 1;
    int FMT_TWCC = 15;
    int FMT_PLI = 1;
    int FMT_FIR = 4;
    /** Application layer feedback; REMB is the one GlassCast reads. */
    int FMT_AFB = 15;
}
