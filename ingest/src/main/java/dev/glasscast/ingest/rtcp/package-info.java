/**
 * RTCP for WebRTC playback and ingest: the compound packet codec, without sockets or SRTCP.
 *
 * <ul>
 *   <li>RFC 3550 6: compound packets, sender and receiver reports with report blocks, SDES
 *       CNAME, BYE, and the NTP timestamps of sender reports ({@link dev.glasscast.ingest.rtcp.RtcpNtpTime}).</li>
 *   <li>RFC 5506: reduced-size RTCP, which browsers send with {@code a=rtcp-rsize}.</li>
 *   <li>RFC 4585 6.2.1 and 6.3.1: generic NACK and Picture Loss Indication.</li>
 *   <li>RFC 5104 4.3.1: Full Intra Request.</li>
 *   <li>draft-alvestrand-rmcat-remb-03: Receiver Estimated Maximum Bitrate.</li>
 *   <li>draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1: transport-wide congestion
 *       control feedback, decoded to per-packet arrival and encoded for ingest.</li>
 * </ul>
 *
 * <p>{@link dev.glasscast.ingest.rtcp.RtcpPacketDecoder} refuses what a peer sends with
 * {@link dev.glasscast.ingest.rtcp.RtcpFormatException} only, within limits on the compound size,
 * the packets per compound and the packets one TWCC feedback may report. Decoded packets are
 * immutable records holding copies; no pooled buffer travels past the decoder.
 */
package dev.glasscast.ingest.rtcp;
