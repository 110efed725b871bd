/**
 * SRT live mode (draft-sharabayko-srt, HSv5, interoperable with libsrt callers such as OBS,
 * ffmpeg and srt-live-transmit) as a listener: publishers' MPEG-TS goes into the
 * {@link dev.glasscast.media.StreamHub} through {@link dev.glasscast.ingest.mpegts.TsDemuxer},
 * and readers ({@code m=request}) are sent the MPEG-TS an
 * {@link dev.glasscast.ingest.srt.SrtPlayback} makes for them.
 *
 * <p>Layers, outside in: {@link dev.glasscast.ingest.srt.SrtPacketDecoder} and
 * {@link dev.glasscast.ingest.srt.SrtPacketEncoder} (datagram codec);
 * {@code SrtListenerHandler} (dispatch by destination socket id, one timer for all sessions);
 * {@code SrtHandshakeResponder} (stateless induction with SYN cookies, conclusion with
 * authorisation, key material and the stream claim); {@code SrtReceiverSession} (one
 * publisher: TSBPD buffer, ACK/NAK/ACKACK, decryption, demuxing); {@code SrtSenderSession} (one
 * reader: send buffer, retransmission on NAK, ACKACK, encryption);
 * {@link dev.glasscast.ingest.srt.SrtListener} (lifecycle and statistics).
 *
 * <p>Stream ids are documented on {@link dev.glasscast.ingest.srt.SrtStreamId}; refusals carry
 * the reason codes of {@link dev.glasscast.ingest.srt.SrtRejectReason}.
 *
 * <p>Delivery is per packet, in sequence order: in live mode every libsrt message is one
 * packet (PB_SOLO) and MPEG-TS needs no message boundaries, so message numbers and PP flags
 * are carried but not used to regroup packets.
 */
package dev.glasscast.ingest.srt;
