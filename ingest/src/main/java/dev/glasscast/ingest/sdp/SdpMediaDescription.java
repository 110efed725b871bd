package dev.glasscast.ingest.sdp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One media section ({@code m=} and what follows it until the next). ICE, fingerprint and setup
 * fields hold only what this section itself says; {@link SdpSessionDescription} resolves them
 * against the session level.
 *
 * @param type             {@code audio}, {@code video}, {@code application}...
 * @param port             0 for a rejected or bundle-only section
 * @param protocol         e.g. {@code UDP/TLS/RTP/SAVPF}
 * @param formats          the m= line's formats in order (payload type numbers for RTP)
 * @param connection       the {@code c=} value, or null
 * @param mid              {@code a=mid}, or null
 * @param direction        the direction attribute, or the session's, or sendrecv (RFC 8866 6.7)
 * @param iceUfrag         {@code a=ice-ufrag} of this section, or null
 * @param icePwd           {@code a=ice-pwd} of this section, or null
 * @param iceOptions       {@code a=ice-options} tokens of this section
 * @param fingerprint      {@code a=fingerprint} of this section (the first), or null
 * @param setup            {@code a=setup} of this section, or null
 * @param codecs           the RTP formats with an rtpmap (or a static payload type), in m= line order
 * @param extmaps          {@code a=extmap} lines
 * @param ssrcs            {@code a=ssrc} lines
 * @param msid             {@code a=msid} value, or null
 * @param candidates       {@code a=candidate} lines
 * @param otherAttributes  attributes not modelled above, in order
 */
public record SdpMediaDescription(String type, int port, String protocol, List<String> formats, String connection,
                                  String mid, SdpDirection direction, String iceUfrag, String icePwd,
                                  List<String> iceOptions, SdpFingerprint fingerprint, SdpSetup setup, boolean rtcpMux,
                                  boolean rtcpReducedSize, List<SdpCodec> codecs, List<Extmap> extmaps,
                                  List<SsrcAttribute> ssrcs, String msid, List<SdpCandidate> candidates,
                                  boolean endOfCandidates, List<SdpAttribute> otherAttributes) {

    /** {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285 section 8). */
    public record Extmap(int id, String direction, String uri, String attributes) {
        static Extmap parse(String value) throws SdpParseException {
            String[] parts = SdpTokens.split(value, 2, "a=extmap");
            String idPart = parts[0];
            String direction = null;
            int slash = idPart.indexOf('/');
            if (slash >= 0) {
                direction = idPart.substring(slash + 1);
                if (SdpDirection.of(direction) == null) {
                    throw new SdpParseException("a=extmap direction '" + SdpTokens.shorten(direction) + "'");
                }
                idPart = idPart.substring(0, slash);
            }
            int id = SdpTokens.parseInt(idPart, 1, 255, "a=extmap id");
            String rest = parts.length > 2 ? String.join(" ", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : null;
            return new Extmap(id, direction, parts[1], rest);
        }

        String attributeValue() {
            return id + (direction == null ? "" : "/" + direction) + " " + uri + (attributes == null ? "" : " " + attributes);
        }
    }

    /** {@code a=ssrc:<ssrc> <attribute>[:<value>]} (RFC 5576 section 4.1). */
    public record SsrcAttribute(long ssrc, String attribute, String value) {
        static SsrcAttribute parse(String text) throws SdpParseException {
            int space = text.indexOf(' ');
            if (space <= 0) {
                throw new SdpParseException("a=ssrc needs '<ssrc> <attribute>': '" + SdpTokens.shorten(text) + "'");
            }
            long ssrc = SdpTokens.parseLong(text.substring(0, space), 0, 0xFFFF_FFFFL, "a=ssrc");
            String rest = text.substring(space + 1).trim();
            int colon = rest.indexOf(':');
            return colon < 0 ? new SsrcAttribute(ssrc, rest, null)
                    : new SsrcAttribute(ssrc, rest.substring(0, colon), rest.substring(colon + 1));
        }

        String attributeValue() {
            return ssrc + " " + attribute + (value == null ? "" : ":" + value);
        }
    }

    public SdpMediaDescription {
        formats = List.copyOf(formats);
        iceOptions = List.copyOf(iceOptions);
        codecs = List.copyOf(codecs);
        extmaps = List.copyOf(extmaps);
        ssrcs = List.copyOf(ssrcs);
        candidates = List.copyOf(candidates);
        otherAttributes = List.copyOf(otherAttributes);
    }

    /** Whether this section carries RTP (its formats are payload types). */
    public boolean isRtp() {
        return protocol.contains("RTP/");
    }

    /** The codec with {@code payloadType}, if offered. */
    public Optional<SdpCodec> codec(int payloadType) {
        return codecs.stream().filter(c -> c.payloadType() == payloadType).findFirst();
    }

    /** The id of the header extension {@code uri}, or 0 when it was not offered. */
    public int extmapId(String uri) {
        return extmaps.stream().filter(e -> e.uri().equals(uri)).mapToInt(Extmap::id).findFirst().orElse(0);
    }

    /** The distinct SSRCs of the {@code a=ssrc} lines, in order. */
    public Set<Long> ssrcValues() {
        Set<Long> values = new LinkedHashSet<>();
        ssrcs.forEach(s -> values.add(s.ssrc()));
        return values;
    }
}
