package dev.glasscast.ingest.srt;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SYN cookies for the induction phase: the cookie is an HMAC of the caller's address and the
 * current minute under a per-listener random secret, so the listener keeps no state for a
 * caller until its conclusion proves it can receive at its claimed address. A cookie is good
 * for the minute it was made in and the next.
 *
 * <p>Not thread-safe: used on the listener's event loop.
 */
final class SrtSynCookies {

    private static final long BUCKET_MILLIS = 60_000;

    private final Mac mac;

    SrtSynCookies(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    int cookie(InetSocketAddress peer, long nowMillis) {
        return compute(peer, nowMillis / BUCKET_MILLIS);
    }

    boolean isValid(InetSocketAddress peer, int cookie, long nowMillis) {
        long bucket = nowMillis / BUCKET_MILLIS;
        return cookie == compute(peer, bucket) || cookie == compute(peer, bucket - 1);
    }

    private int compute(InetSocketAddress peer, long bucket) {
        byte[] address = peer.getAddress() == null ? new byte[0] : peer.getAddress().getAddress();
        mac.update(address);
        mac.update(ByteBuffer.allocate(12).putInt(peer.getPort()).putLong(bucket).array());
        return ByteBuffer.wrap(mac.doFinal()).getInt();
    }
}
