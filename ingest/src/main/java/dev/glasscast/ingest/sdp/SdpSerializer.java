package dev.glasscast.ingest.sdp;

/**
 * Writes an {@link SdpSessionDescription} as SDP text with CRLF line ends (RFC 8866 section 5).
 * Fields are written in a fixed order, the one Chromium writes, so that answers read the same
 * in every log; attributes kept in {@code otherAttributes} follow the modelled ones. Stateless.
 */
public final class SdpSerializer {

    private static final String CRLF = "\r\n";

    private SdpSerializer() {
    }

    public static String serialize(SdpSessionDescription description) {
        StringBuilder out = new StringBuilder(2048);
        line(out, "v=0");
        line(out, "o=" + description.origin().value());
        line(out, "s=" + description.sessionName());
        line(out, "t=0 0");
        for (SdpSessionDescription.Group group : description.groups()) {
            line(out, "a=group:" + group.semantics() + (group.mids().isEmpty() ? "" : " " + String.join(" ", group.mids())));
        }
        if (description.iceLite()) {
            line(out, "a=ice-lite");
        }
        writeTransport(out, description.iceUfrag(), description.icePwd(), description.iceOptions(),
                description.fingerprint(), description.setup());
        for (SdpAttribute attribute : description.otherAttributes()) {
            line(out, "a=" + attribute.line());
        }
        for (SdpMediaDescription media : description.media()) {
            writeMedia(out, media);
        }
        return out.toString();
    }

    private static void writeMedia(StringBuilder out, SdpMediaDescription media) {
        line(out, "m=" + media.type() + " " + media.port() + " " + media.protocol() + " " + String.join(" ", media.formats()));
        if (media.connection() != null) {
            line(out, "c=" + media.connection());
        }
        if (media.mid() != null) {
            line(out, "a=mid:" + media.mid());
        }
        writeTransport(out, media.iceUfrag(), media.icePwd(), media.iceOptions(), media.fingerprint(), media.setup());
        for (SdpMediaDescription.Extmap extmap : media.extmaps()) {
            line(out, "a=extmap:" + extmap.attributeValue());
        }
        line(out, "a=" + media.direction().attribute());
        if (media.msid() != null) {
            line(out, "a=msid:" + media.msid());
        }
        if (media.rtcpMux()) {
            line(out, "a=rtcp-mux");
        }
        if (media.rtcpReducedSize()) {
            line(out, "a=rtcp-rsize");
        }
        for (SdpCodec codec : media.codecs()) {
            line(out, "a=rtpmap:" + codec.rtpmapValue());
            for (String feedback : codec.feedback()) {
                line(out, "a=rtcp-fb:" + codec.payloadType() + " " + feedback);
            }
            if (codec.fmtp() != null) {
                line(out, "a=fmtp:" + codec.payloadType() + " " + codec.fmtp());
            }
        }
        for (SdpMediaDescription.SsrcAttribute ssrc : media.ssrcs()) {
            line(out, "a=ssrc:" + ssrc.attributeValue());
        }
        for (SdpAttribute attribute : media.otherAttributes()) {
            line(out, "a=" + attribute.line());
        }
        for (SdpCandidate candidate : media.candidates()) {
            line(out, "a=candidate:" + candidate.attributeValue());
        }
        if (media.endOfCandidates()) {
            line(out, "a=end-of-candidates");
        }
    }

    private static void writeTransport(StringBuilder out, String ufrag, String pwd, java.util.List<String> options,
                                       SdpFingerprint fingerprint, SdpSetup setup) {
        if (ufrag != null) {
            line(out, "a=ice-ufrag:" + ufrag);
        }
        if (pwd != null) {
            line(out, "a=ice-pwd:" + pwd);
        }
        if (!options.isEmpty()) {
            line(out, "a=ice-options:" + String.join(" ", options));
        }
        if (fingerprint != null) {
            line(out, "a=fingerprint:" + fingerprint.attributeValue());
        }
        if (setup != null) {
            line(out, "a=setup:" + setup.attribute());
        }
    }

    private static void line(StringBuilder out, String line) {
        out.append(line).append(CRLF);
    }
}
