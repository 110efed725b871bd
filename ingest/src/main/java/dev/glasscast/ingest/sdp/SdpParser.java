package dev.glasscast.ingest.sdp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses an SDP body (RFC 8866) into an {@link SdpSessionDescription}: what a browser or OBS
 * posts to a WHEP or WHIP endpoint. The body comes from anyone who can reach the HTTP port, so
 * there are limits (bytes, lines, line length, media sections), and anything malformed is an
 * {@link SdpParseException} that names the line; nothing else is thrown for any input.
 *
 * <p>Lenient where senders differ and meaning is clear: LF or CRLF line ends, blank lines,
 * attribute order, unknown attributes (kept in {@code otherAttributes}). Strict where a mistake
 * would change what is negotiated: v=0 first, a valid o= line, numbers in range, an rtpmap or
 * fmtp for a payload type the m= line does not list, duplicate mids, a BUNDLE group naming
 * an unknown mid, and unknown line types (RFC 8866 section 5 says to ignore the whole
 * description then).
 *
 * <p>Stateless and thread-safe.
 */
public final class SdpParser {

    /** Default largest body: a Chromium offer with every codec is about 6 KiB, simulcast twice that. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    /** Default most lines: a Chromium audio+video offer has about 150. */
    public static final int DEFAULT_MAX_LINES = 2048;
    /** Default most media sections: WHEP and WHIP use two; a few more are answered as rejected. */
    public static final int DEFAULT_MAX_MEDIA_SECTIONS = 16;
    /** Default longest line; the longest real ones (candidates, ssrc-group, fmtp) are under 300. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 4096;

    private final int maxBytes;
    private final int maxLines;
    private final int maxMediaSections;
    private final int maxLineLength;

    /**
     * @param maxBytes         largest body in bytes ({@link #DEFAULT_MAX_BYTES})
     * @param maxLines         most lines, blank ones included ({@link #DEFAULT_MAX_LINES})
     * @param maxMediaSections most m= sections ({@link #DEFAULT_MAX_MEDIA_SECTIONS})
     * @param maxLineLength    longest line in characters ({@link #DEFAULT_MAX_LINE_LENGTH})
     */
    public SdpParser(int maxBytes, int maxLines, int maxMediaSections, int maxLineLength) {
        if (maxBytes < 1 || maxLines < 1 || maxMediaSections < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("SDP limits must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
        this.maxMediaSections = maxMediaSections;
        this.maxLineLength = maxLineLength;
    }

    public SdpParser() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, DEFAULT_MAX_MEDIA_SECTIONS, DEFAULT_MAX_LINE_LENGTH);
    }

    /** Parses a body as it came off the wire: UTF-8 (RFC 8866 section 5 allows it in some fields). */
    public SdpSessionDescription parse(byte[] body) throws SdpParseException {
        if (body.length > maxBytes) {
            throw new SdpParseException("the SDP is " + body.length + " bytes, more than the " + maxBytes + " allowed");
        }
        try {
            return parseText(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            throw new SdpParseException("the SDP is not UTF-8");
        }
    }

    public SdpSessionDescription parse(String text) throws SdpParseException {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private SdpSessionDescription parseText(String text) throws SdpParseException {
        SdpSectionBuilder.Session session = new SdpSectionBuilder.Session();
        int lineNumber = 0;
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            if (++lineNumber > maxLines) {
                throw new SdpParseException("the SDP has more than " + maxLines + " lines");
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() > maxLineLength) {
                throw new SdpParseException("line " + lineNumber + " is longer than " + maxLineLength + " characters");
            }
            try {
                parseLine(session, line);
            } catch (SdpParseException e) {
                throw new SdpParseException("line " + lineNumber + ": " + e.getMessage());
            }
        }
        if (!session.sawVersion) {
            throw new SdpParseException("not SDP: no v=0 line");
        }
        if (session.origin == null) {
            throw new SdpParseException("the SDP has no o= line");
        }
        return session.build();
    }

    private void parseLine(SdpSectionBuilder.Session session, String line) throws SdpParseException {
        if (line.length() < 2 || line.charAt(1) != '=') {
            throw new SdpParseException("not '<type>=<value>': '" + SdpTokens.shorten(line) + "'");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new SdpParseException("a control character in '" + SdpTokens.shorten(line) + "'");
            }
        }
        char type = line.charAt(0);
        String value = line.substring(2);
        if (!session.sawVersion && type != 'v') {
            throw new SdpParseException("not SDP: the first line must be v=0");
        }
        SdpSectionBuilder.Media media = session.current();
        switch (type) {
            case 'v' -> {
                if (session.sawVersion || !value.equals("0")) {
                    throw new SdpParseException("v=0 must be the first line, and only once");
                }
                session.sawVersion = true;
            }
            case 'o' -> {
                if (media != null || session.origin != null) {
                    throw new SdpParseException("o= belongs once at the session level");
                }
                session.origin = SdpSessionDescription.Origin.parse(value);
            }
            case 's' -> session.sessionName = value;
            case 'm' -> {
                if (session.media.size() == maxMediaSections) {
                    throw new SdpParseException("more than " + maxMediaSections + " media sections");
                }
                session.media.add(SdpSectionBuilder.Media.parseMediaLine(value));
            }
            case 'c' -> {
                if (media != null) {
                    media.connection = value;
                }
            }
            case 'a' -> {
                if (media != null) {
                    media.attribute(value);
                } else {
                    session.attribute(value);
                }
            }
            case 'i', 'u', 'e', 'p', 'b', 't', 'r', 'z', 'k' -> {
                // Informational, bandwidth and timing lines: nothing WebRTC negotiates.
            }
            default -> throw new SdpParseException("unknown line type '" + type + "'");
        }
    }

    /** Mids must be unique and every mid a group names must exist (RFC 5888 section 5, RFC 8843). */
    static void checkMids(SdpSessionDescription description) throws SdpParseException {
        Set<String> mids = new HashSet<>();
        for (SdpMediaDescription section : description.media()) {
            if (section.mid() != null && !mids.add(section.mid())) {
                throw new SdpParseException("two media sections have a=mid:" + SdpTokens.shorten(section.mid()));
            }
        }
        for (SdpSessionDescription.Group group : description.groups()) {
            List<String> missing = new ArrayList<>(group.mids());
            missing.removeAll(mids);
            if (!missing.isEmpty()) {
                throw new SdpParseException("a=group:" + group.semantics() + " names a mid no section has: "
                        + SdpTokens.shorten(missing.get(0)));
            }
        }
    }
}
