package dev.glasscast.ingest.sdp;

import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 8866 section 5): the session level and its media sections in
 * order. ICE credentials, the DTLS fingerprint and setup may be written at either level (RFC
 * 8839 section 5.4, RFC 8122 section 5); the {@code effective...} methods resolve a section's
 * value, the section's own first.
 *
 * @param groups          {@code a=group} lines, e.g. BUNDLE
 * @param iceLite         {@code a=ice-lite} at session level
 * @param iceUfrag        session-level {@code a=ice-ufrag}, or null
 * @param icePwd          session-level {@code a=ice-pwd}, or null
 * @param iceOptions      session-level {@code a=ice-options} tokens
 * @param fingerprint     session-level {@code a=fingerprint}, or null
 * @param setup           session-level {@code a=setup}, or null
 * @param otherAttributes session-level attributes not modelled above, in order
 */
public record SdpSessionDescription(Origin origin, String sessionName, List<Group> groups, boolean iceLite,
                                    String iceUfrag, String icePwd, List<String> iceOptions,
                                    SdpFingerprint fingerprint, SdpSetup setup, List<SdpAttribute> otherAttributes,
                                    List<SdpMediaDescription> media) {

    /** {@code o=<username> <sess-id> <sess-version> IN <IP4|IP6> <address>}. */
    public record Origin(String username, String sessionId, String sessionVersion, String networkType,
                         String addressType, String address) {
        private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]{1,20}");

        static Origin parse(String value) throws SdpParseException {
            String[] parts = SdpTokens.split(value, 6, "o=");
            if (parts.length != 6) {
                throw new SdpParseException("o= needs exactly 6 fields: '" + SdpTokens.shorten(value) + "'");
            }
            // Kept as text: session ids are up to 64 unsigned bits, beyond a Java long.
            if (!DIGITS.matcher(parts[1]).matches() || !DIGITS.matcher(parts[2]).matches()) {
                throw new SdpParseException("o= session id and version must be decimal numbers");
            }
            return new Origin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        }

        String value() {
            return username + " " + sessionId + " " + sessionVersion + " " + networkType + " " + addressType + " " + address;
        }
    }

    /** {@code a=group:<semantics> <mid>...} (RFC 5888). */
    public record Group(String semantics, List<String> mids) {
        public Group {
            mids = List.copyOf(mids);
        }
    }

    public SdpSessionDescription {
        groups = List.copyOf(groups);
        iceOptions = List.copyOf(iceOptions);
        otherAttributes = List.copyOf(otherAttributes);
        media = List.copyOf(media);
    }

    /** The first BUNDLE group, if any. */
    public Optional<Group> bundle() {
        return groups.stream().filter(g -> g.semantics().equals("BUNDLE")).findFirst();
    }

    /** The section with {@code mid}, if any. */
    public Optional<SdpMediaDescription> media(String mid) {
        return media.stream().filter(m -> mid.equals(m.mid())).findFirst();
    }

    public String effectiveIceUfrag(SdpMediaDescription section) {
        return section.iceUfrag() != null ? section.iceUfrag() : iceUfrag;
    }

    public String effectiveIcePwd(SdpMediaDescription section) {
        return section.icePwd() != null ? section.icePwd() : icePwd;
    }

    public SdpFingerprint effectiveFingerprint(SdpMediaDescription section) {
        return section.fingerprint() != null ? section.fingerprint() : fingerprint;
    }

    /** The section's setup role; absent at both levels means active (RFC 4145 section 4). */
    public SdpSetup effectiveSetup(SdpMediaDescription section) {
        return section.setup() != null ? section.setup() : setup != null ? setup : SdpSetup.ACTIVE;
    }
}
