package dev.glasscast.ingest.sdp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the server puts of its own into an answer. The ICE and DTLS layers create these per
 * session and keep them: the ufrag and password check the browser's STUN requests, and the
 * fingerprint is that of the certificate the DTLS server presents.
 *
 * @param iceUfrag    our ufrag, 4..256 ice-chars (RFC 8839 section 5.4)
 * @param icePwd      our password, 22..256 ice-chars
 * @param fingerprint SHA-256 of our DTLS certificate
 * @param candidates  our host candidates (address and UDP port), best first; each media section
 *                    lists all of them. With BUNDLE they are normally one shared port.
 * @param cname       the RTCP CNAME of the media we send
 * @param streamId    the msid stream id of the media we send (WHEP)
 * @param audioSsrc   the SSRC of the audio we send (WHEP)
 * @param videoSsrc   the SSRC of the video we send (WHEP)
 * @param sessionId   the o= session id, a decimal number
 */
public record SdpLocalParameters(String iceUfrag, String icePwd, SdpFingerprint fingerprint,
                                 List<InetSocketAddress> candidates, String cname, String streamId, long audioSsrc,
                                 long videoSsrc, String sessionId) {

    private static final Pattern ICE_CHARS = Pattern.compile("[A-Za-z0-9+/]+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/_.\\-{}]{1,64}");
    /** Most candidates written per section; more would only slow the browser's checks. */
    public static final int MAX_CANDIDATES = 8;

    public SdpLocalParameters {
        if (iceUfrag.length() < 4 || iceUfrag.length() > 256 || !ICE_CHARS.matcher(iceUfrag).matches()) {
            throw new IllegalArgumentException("ice-ufrag must be 4..256 ice-chars");
        }
        if (icePwd.length() < 22 || icePwd.length() > 256 || !ICE_CHARS.matcher(icePwd).matches()) {
            throw new IllegalArgumentException("ice-pwd must be 22..256 ice-chars");
        }
        if (!fingerprint.hashFunction().equals("sha-256")) {
            throw new IllegalArgumentException("the answer's fingerprint is SHA-256");
        }
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty() || candidates.size() > MAX_CANDIDATES) {
            throw new IllegalArgumentException("1.." + MAX_CANDIDATES + " host candidates");
        }
        if (!TOKEN.matcher(cname).matches() || !TOKEN.matcher(streamId).matches()) {
            throw new IllegalArgumentException("cname and stream id must be 1..64 token characters");
        }
        if (audioSsrc < 1 || audioSsrc > 0xFFFF_FFFFL || videoSsrc < 1 || videoSsrc > 0xFFFF_FFFFL || audioSsrc == videoSsrc) {
            throw new IllegalArgumentException("two distinct non-zero 32-bit SSRCs");
        }
        if (!sessionId.matches("[0-9]{1,19}")) {
            throw new IllegalArgumentException("the session id is a decimal number");
        }
    }
}
