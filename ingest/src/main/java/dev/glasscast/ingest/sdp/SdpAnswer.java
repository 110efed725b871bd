package dev.glasscast.ingest.sdp;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A negotiated answer: the SDP to send back ({@code 201 Created}, {@code application/sdp}) and
 * what the media layers need from the negotiation.
 *
 * @param description       the answer as a model
 * @param sdp               the answer as text, CRLF line ends
 * @param media             the accepted audio and video sections, in offer order
 * @param remoteUfrag       the offer's ICE ufrag (the second half of the STUN USERNAME)
 * @param remotePwd         the offer's ICE password
 * @param remoteFingerprint the fingerprint the client's DTLS certificate must match
 */
public record SdpAnswer(SdpSessionDescription description, String sdp, List<Negotiated> media, String remoteUfrag,
                        String remotePwd, SdpFingerprint remoteFingerprint) {

    /**
     * One accepted media section.
     *
     * @param kind           {@code audio} or {@code video}
     * @param direction      our direction: sendonly (WHEP) or recvonly (WHIP)
     * @param codec          the chosen format with the feedback both sides use
     * @param transportCcId  the transport-wide-cc extension id, 0 when not negotiated
     * @param absSendTimeId  the abs-send-time extension id, 0 when not negotiated
     * @param localSsrc      the SSRC we send with, 0 when we only receive
     * @param remoteSsrcs    the SSRCs the offer announced (WHIP), maybe none
     */
    public record Negotiated(String mid, String kind, SdpDirection direction, SdpCodec codec, int transportCcId,
                             int absSendTimeId, long localSsrc, Set<Long> remoteSsrcs) {
        public Negotiated {
            remoteSsrcs = Set.copyOf(remoteSsrcs);
        }
    }

    public SdpAnswer {
        media = List.copyOf(media);
    }

    /** The accepted section of {@code kind}, if any. */
    public Optional<Negotiated> media(String kind) {
        return media.stream().filter(m -> m.kind().equals(kind)).findFirst();
    }
}
