package dev.glasscast.ingest.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mutable state of {@link SdpParser} while it reads one description: the session level
 * and each media section's attributes, turned into records once the whole body is read
 * (rtcp-fb lines may come before or after their rtpmap, and {@code *} applies to all).
 */
final class SdpSectionBuilder {

    /** The payload types RFC 3551 assigns statically and browsers still offer without an rtpmap. */
    private static final Map<Integer, String[]> STATIC_PAYLOAD_TYPES = Map.of(
            0, new String[] {"PCMU", "8000"}, 8, new String[] {"PCMA", "8000"},
            9, new String[] {"G722", "8000"}, 13, new String[] {"CN", "8000"});
    /** Longest mid, ufrag or password accepted; RFC 8839 caps ice-ufrag and ice-pwd at 256. */
    private static final int MAX_TOKEN = 256;

    private SdpSectionBuilder() {
    }

    static final class Session {
        boolean sawVersion;
        SdpSessionDescription.Origin origin;
        String sessionName = "-";
        final List<SdpSessionDescription.Group> groups = new ArrayList<>();
        boolean iceLite;
        String iceUfrag;
        String icePwd;
        List<String> iceOptions = List.of();
        SdpFingerprint fingerprint;
        SdpSetup setup;
        SdpDirection direction;
        final List<SdpAttribute> other = new ArrayList<>();
        final List<Media> media = new ArrayList<>();

        Media current() {
            return media.isEmpty() ? null : media.get(media.size() - 1);
        }

        void attribute(String text) throws SdpParseException {
            SdpAttribute attribute = SdpAttribute.parse(text);
            String value = attribute.value() == null ? "" : attribute.value();
            switch (attribute.name()) {
                case "group" -> {
                    String[] parts = SdpTokens.split(value, 1, "a=group");
                    groups.add(new SdpSessionDescription.Group(parts[0], Arrays.asList(parts).subList(1, parts.length)));
                }
                case "ice-lite" -> iceLite = true;
                case "ice-ufrag" -> iceUfrag = token(value, "a=ice-ufrag");
                case "ice-pwd" -> icePwd = token(value, "a=ice-pwd");
                case "ice-options" -> iceOptions = iceOptions(value);
                case "fingerprint" -> {
                    if (fingerprint == null) {
                        fingerprint = SdpFingerprint.parse(value);
                    }
                }
                case "setup" -> setup = SdpSetup.parse(value);
                default -> {
                    SdpDirection named = SdpDirection.of(attribute.name());
                    if (named != null) {
                        direction = named;
                    } else {
                        other.add(attribute);
                    }
                }
            }
        }

        SdpSessionDescription build() throws SdpParseException {
            List<SdpMediaDescription> sections = new ArrayList<>();
            for (Media section : media) {
                sections.add(section.build(direction == null ? SdpDirection.SENDRECV : direction));
            }
            SdpSessionDescription description = new SdpSessionDescription(origin, sessionName, groups, iceLite, iceUfrag,
                    icePwd, iceOptions, fingerprint, setup, other, sections);
            SdpParser.checkMids(description);
            return description;
        }
    }

    static final class Media {
        String type;
        int port;
        String protocol;
        List<String> formats;
        String connection;
        String mid;
        SdpDirection direction;
        String iceUfrag;
        String icePwd;
        List<String> iceOptions = List.of();
        SdpFingerprint fingerprint;
        SdpSetup setup;
        boolean rtcpMux;
        boolean rtcpReducedSize;
        final Map<Integer, String[]> rtpmaps = new LinkedHashMap<>();
        final Map<Integer, String> fmtps = new LinkedHashMap<>();
        final Map<Integer, List<String>> feedback = new LinkedHashMap<>();
        final List<String> wildcardFeedback = new ArrayList<>();
        final List<SdpMediaDescription.Extmap> extmaps = new ArrayList<>();
        final List<SdpMediaDescription.SsrcAttribute> ssrcs = new ArrayList<>();
        String msid;
        final List<SdpCandidate> candidates = new ArrayList<>();
        boolean endOfCandidates;
        final List<SdpAttribute> other = new ArrayList<>();

        /** {@code m=<media> <port>[/<count>] <proto> <fmt> ...} (RFC 8866 section 5.14). */
        static Media parseMediaLine(String value) throws SdpParseException {
            String[] parts = SdpTokens.split(value, 4, "m=");
            Media media = new Media();
            media.type = parts[0];
            String port = parts[1];
            int slash = port.indexOf('/');
            media.port = SdpTokens.parseInt(slash < 0 ? port : port.substring(0, slash), 0, 65535, "m= port");
            media.protocol = parts[2];
            media.formats = List.of(Arrays.copyOfRange(parts, 3, parts.length));
            if (media.protocol.contains("RTP/")) {
                Set<Integer> seen = new HashSet<>();
                for (String format : media.formats) {
                    if (!seen.add(SdpTokens.parseInt(format, 0, 127, "m= payload type"))) {
                        throw new SdpParseException("m= lists payload type " + format + " twice");
                    }
                }
            }
            return media;
        }

        void attribute(String text) throws SdpParseException {
            SdpAttribute attribute = SdpAttribute.parse(text);
            String value = attribute.value() == null ? "" : attribute.value().trim();
            switch (attribute.name()) {
                case "mid" -> {
                    if (mid != null) {
                        throw new SdpParseException("a second a=mid in one media section");
                    }
                    mid = token(value, "a=mid");
                }
                case "ice-ufrag" -> iceUfrag = token(value, "a=ice-ufrag");
                case "ice-pwd" -> icePwd = token(value, "a=ice-pwd");
                case "ice-options" -> iceOptions = iceOptions(value);
                case "fingerprint" -> {
                    if (fingerprint == null) {
                        fingerprint = SdpFingerprint.parse(value);
                    }
                }
                case "setup" -> setup = SdpSetup.parse(value);
                case "rtcp-mux" -> rtcpMux = true;
                case "rtcp-rsize" -> rtcpReducedSize = true;
                case "rtpmap" -> rtpmap(value);
                case "fmtp" -> {
                    int pt = listedPayloadType(value, "a=fmtp");
                    if (fmtps.put(pt, value.substring(value.indexOf(' ') + 1).trim()) != null) {
                        throw new SdpParseException("a second a=fmtp for payload type " + pt);
                    }
                }
                case "rtcp-fb" -> {
                    String[] parts = SdpTokens.split(value, 2, "a=rtcp-fb");
                    String feedbackValue = String.join(" ", Arrays.copyOfRange(parts, 1, parts.length));
                    if (parts[0].equals("*")) {
                        wildcardFeedback.add(feedbackValue);
                    } else {
                        int pt = SdpTokens.parseInt(parts[0], 0, 127, "a=rtcp-fb payload type");
                        feedback.computeIfAbsent(pt, k -> new ArrayList<>()).add(feedbackValue);
                    }
                }
                case "extmap" -> {
                    SdpMediaDescription.Extmap extmap = SdpMediaDescription.Extmap.parse(value);
                    if (extmaps.stream().anyMatch(e -> e.id() == extmap.id())) {
                        throw new SdpParseException("a second a=extmap with id " + extmap.id());
                    }
                    extmaps.add(extmap);
                }
                case "ssrc" -> ssrcs.add(SdpMediaDescription.SsrcAttribute.parse(value));
                case "msid" -> msid = value;
                case "candidate" -> candidates.add(SdpCandidate.parse(value));
                case "end-of-candidates" -> endOfCandidates = true;
                default -> {
                    SdpDirection named = SdpDirection.of(attribute.name());
                    if (named != null) {
                        direction = named;
                    } else {
                        other.add(attribute);
                    }
                }
            }
        }

        /** {@code a=rtpmap:<pt> <name>/<clock rate>[/<channels>]}. */
        private void rtpmap(String value) throws SdpParseException {
            int pt = listedPayloadType(value, "a=rtpmap");
            String[] encoding = value.substring(value.indexOf(' ') + 1).trim().split("/", -1);
            if (encoding.length < 2 || encoding.length > 3 || encoding[0].isEmpty()) {
                throw new SdpParseException("a=rtpmap is not '<pt> <name>/<rate>[/<channels>]': '"
                        + SdpTokens.shorten(value) + "'");
            }
            SdpTokens.parseInt(encoding[1], 1, 10_000_000, "a=rtpmap clock rate");
            if (encoding.length == 3) {
                SdpTokens.parseInt(encoding[2], 1, 255, "a=rtpmap channels");
            }
            if (rtpmaps.put(pt, encoding) != null) {
                throw new SdpParseException("a second a=rtpmap for payload type " + pt);
            }
        }

        /** The payload type that starts {@code value}, which the m= line must list. */
        private int listedPayloadType(String value, String what) throws SdpParseException {
            String[] parts = SdpTokens.split(value, 2, what);
            int pt = SdpTokens.parseInt(parts[0], 0, 127, what + " payload type");
            if (!formats.contains(parts[0])) {
                throw new SdpParseException(what + " for payload type " + pt + ", which the m= line does not list");
            }
            return pt;
        }

        SdpMediaDescription build(SdpDirection sessionDirection) throws SdpParseException {
            List<SdpCodec> codecs = new ArrayList<>();
            if (protocol.contains("RTP/")) {
                for (String format : formats) {
                    int pt = Integer.parseInt(format);
                    String[] encoding = rtpmaps.getOrDefault(pt, STATIC_PAYLOAD_TYPES.get(pt));
                    if (encoding == null) {
                        continue;
                    }
                    List<String> values = new ArrayList<>(feedback.getOrDefault(pt, List.of()));
                    values.addAll(wildcardFeedback);
                    codecs.add(new SdpCodec(pt, encoding[0], Integer.parseInt(encoding[1]),
                            encoding.length == 3 ? Integer.parseInt(encoding[2]) : 1, fmtps.get(pt), values));
                }
            }
            return new SdpMediaDescription(type, port, protocol, formats, connection, mid,
                    direction == null ? sessionDirection : direction, iceUfrag, icePwd, iceOptions, fingerprint, setup,
                    rtcpMux, rtcpReducedSize, codecs, extmaps, ssrcs, msid, candidates, endOfCandidates, other);
        }
    }

    /**
     * {@code a=ice-options} tags. RFC 8839 separates them with spaces; libdatachannel (OBS's
     * WHIP output) writes {@code ice2,trickle}, so commas separate too.
     */
    static List<String> iceOptions(String value) throws SdpParseException {
        List<String> tags = List.of(value.trim().split("[ ,]+"));
        if (tags.isEmpty() || tags.get(0).isEmpty()) {
            throw new SdpParseException("a=ice-options needs at least one tag");
        }
        return tags;
    }

    /** A non-empty value of at most 256 characters with no spaces: mids and ICE credentials. */
    static String token(String value, String what) throws SdpParseException {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_TOKEN || trimmed.indexOf(' ') >= 0 || trimmed.indexOf('\t') >= 0) {
            throw new SdpParseException(what + " must be 1.." + MAX_TOKEN + " characters without spaces");
        }
        return trimmed;
    }
}
