package dev.glasscast.server.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed playback links, as CDNs sign URLs: a token {@code <expiry>.<signature>} where expiry is
 * in epoch seconds and the signature is base64url (unpadded) of
 * HMAC-SHA256(secret, stream + "\n" + expiry). The token travels as one path element after the
 * stream name ({@code /live/main/t/<token>/index.m3u8}), so the relative URIs of playlists and
 * MPDs carry it to every child request without a player knowing, and the edge cache, which sees
 * the request with the token stripped, stays shared by every viewer.
 *
 * <p>Only streams named in {@code signedStreams} need a token; for every other stream a token,
 * good or bad, is ignored. A token's signature is checked before its expiry, so "expired" is
 * only ever said of a token this server made. Comparisons take the same time whatever the
 * guess. Thread-safe.
 */
public final class PlaybackTokens {

    /** The path element that introduces a token: {@code /live/{stream}/t/{token}/...}. */
    public static final String PATH_ELEMENT = "t";
    /** Longer than any token this class makes (about 55 characters); anything longer is malformed unread. */
    public static final int MAX_TOKEN_LENGTH = 96;
    private static final String ALGORITHM = "HmacSHA256";
    /** base64url without padding of a 32-byte HMAC-SHA256. */
    private static final int SIGNATURE_CHARS = 43;
    /** Epoch seconds fit 12 digits until the year 33658; more digits cannot be a real expiry. */
    private static final int MAX_EXPIRY_DIGITS = 12;

    /** What a request's token (or its absence) means for the stream it asks for. */
    public enum Verdict {
        /** The stream needs no token. */
        PUBLIC(true, "public"),
        VALID(true, "valid"),
        MISSING(false, "this stream needs a signed playback link"),
        MALFORMED(false, "malformed playback token"),
        BAD_SIGNATURE(false, "playback token not valid for this stream"),
        EXPIRED(false, "playback link expired; ask for a new one");

        private final boolean allowed;
        private final String message;

        Verdict(boolean allowed, String message) {
            this.allowed = allowed;
            this.message = message;
        }

        public boolean allowed() {
            return allowed;
        }

        /** A short text for the 403 body. */
        public String message() {
            return message;
        }
    }

    /** A minted link: the token and the instant it stops working. */
    public record Token(String stream, String value, Instant expiresAt) {
        /** The path prefix of the stream's media under this token, e.g. {@code /live/main/t/<token>/}. */
        public String livePath() {
            return "/live/" + stream + "/" + PATH_ELEMENT + "/" + value + "/";
        }

        /** The watch page under this token, e.g. {@code /watch/main/t/<token>}. */
        public String watchPath() {
            return "/watch/" + stream + "/" + PATH_ELEMENT + "/" + value;
        }
    }

    private final SecretKeySpec key;
    private final Set<String> signedStreams;
    private final Clock clock;
    private final ThreadLocal<Mac> macs;

    /**
     * @param secret        the signing key (its UTF-8 bytes); at least 32 characters in a real config
     * @param signedStreams the streams that need a token
     * @param clock         the time expiries are judged against
     */
    public PlaybackTokens(String secret, Set<String> signedStreams, Clock clock) {
        byte[] bytes = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty playback secret");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.signedStreams = Set.copyOf(signedStreams);
        this.clock = clock;
        // A Mac is stateful, so one per thread (the event loops) rather than one per request.
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fails now, not on the first viewer, if the JDK lacks HmacSHA256
    }

    /** Whether {@code stream} needs a token. */
    public boolean required(String stream) {
        return signedStreams.contains(stream);
    }

    /** A token for {@code stream} valid for {@code lifetime} from now (rounded up to whole seconds). */
    public Token mint(String stream, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
        }
        Instant now = clock.instant();
        long expiry = now.getEpochSecond() + lifetime.toSeconds() + (lifetime.toNanosPart() > 0 || now.getNano() > 0 ? 1 : 0);
        return mintUntil(stream, expiry);
    }

    /** A token for {@code stream} that expires at {@code expiryEpochSecond}. */
    public Token mintUntil(String stream, long expiryEpochSecond) {
        if (expiryEpochSecond < 0) {
            throw new IllegalArgumentException("negative expiry");
        }
        String expiry = Long.toString(expiryEpochSecond);
        return new Token(stream, expiry + "." + signature(stream, expiry), Instant.ofEpochSecond(expiryEpochSecond));
    }

    /**
     * Judges a request for {@code stream} that carried {@code token} (null when the path had none).
     * Never throws, whatever the token holds.
     */
    public Verdict check(String stream, String token) {
        if (!required(stream)) {
            return Verdict.PUBLIC;
        }
        if (token == null) {
            return Verdict.MISSING;
        }
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_LENGTH || dot < 1 || dot > MAX_EXPIRY_DIGITS
                || token.length() - dot - 1 != SIGNATURE_CHARS) {
            return Verdict.MALFORMED;
        }
        String expiry = token.substring(0, dot);
        for (int i = 0; i < expiry.length(); i++) {
            char c = expiry.charAt(i);
            if (c < '0' || c > '9') {
                return Verdict.MALFORMED;
            }
        }
        for (int i = dot + 1; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return Verdict.MALFORMED;
            }
        }
        // Compared as text, not decoded: a decoder ignores the last character's two spare bits,
        // which would let four spellings of one signature pass. The expiry is signed as written,
        // so "0123" and "123" are different tokens, and only the one minted verifies.
        byte[] expected = signature(stream, expiry).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD_SIGNATURE;
        }
        return Long.parseLong(expiry) > clock.instant().getEpochSecond() ? Verdict.VALID : Verdict.EXPIRED;
    }

    /** As {@link #check(String, String)} for a parsed request: media and watch pages; anything else is public. */
    public Verdict check(RequestTarget.Route route) {
        return switch (route) {
            case RequestTarget.Media media -> check(media.request().stream(), media.token());
            case RequestTarget.Watch watch -> check(watch.stream(), watch.token());
            default -> Verdict.PUBLIC;
        };
    }

    /** base64url (unpadded) of HMAC-SHA256(secret, stream + "\n" + expiry). */
    private String signature(String stream, String expiry) {
        Mac mac = macs.get();
        mac.update(stream.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) '\n');
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(expiry.getBytes(StandardCharsets.US_ASCII)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
