/**
 * RTP for WebRTC playback (WHEP) and ingest (WHIP): the packet codec and the payload formats,
 * without sockets, ICE, DTLS-SRTP or SDP, which sit around this package.
 *
 * <ul>
 *   <li>RFC 3550 5.1: the fixed header, CSRCs and padding ({@link dev.glasscast.ingest.rtp.RtpPacketDecoder},
 *       {@link dev.glasscast.ingest.rtp.RtpPacketEncoder}); sequence and timestamp unwrapping to 64 bits.</li>
 *   <li>RFC 8285: one-byte and two-byte header extensions, with the transport-wide sequence number
 *       (draft-holmer-rmcat-transport-wide-cc-extensions-01) and abs-send-time elements.</li>
 *   <li>RFC 6184, packetization-mode=1: H.264 single NAL unit packets, STAP-A and FU-A
 *       ({@link dev.glasscast.ingest.rtp.RtpH264Packetizer}, {@link dev.glasscast.ingest.rtp.RtpH264Depacketizer}).</li>
 *   <li>RFC 7587 and RFC 6716 3.1: Opus payloads and the TOC byte's duration.</li>
 *   <li>RFC 7983 and RFC 5761: telling RTP from RTCP, STUN and DTLS on one port.</li>
 * </ul>
 *
 * <p>Decoded packets hold byte arrays copied out of the datagram, as the SRT codec's do, so no
 * pooled buffer travels past the decoder. Peers' bytes are refused with
 * {@link dev.glasscast.ingest.rtp.RtpFormatException} by the packet decoder, and dropped and
 * counted by the depacketizers, which keep their state consistent whatever arrives.
 */
package dev.glasscast.ingest.rtp;
