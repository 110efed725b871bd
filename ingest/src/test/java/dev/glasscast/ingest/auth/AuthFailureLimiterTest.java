package dev.glasscast.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.srt.SrtRejectReason;
import dev.glasscast.ingest.srt.SrtStreamId;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-address limits on failed publish attempts, on a hand-moved clock. */
class AuthFailureLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong();
    private final AuthFailureLimiter limiter = new AuthFailureLimiter(5, 3, now::get);
    private final InetAddress guesser = address(1);
    private final InetAddress publisher = address(2);

    @Test
    void anAddressIsRefusedAfterItsBurstOfFailuresAndLetBackAtTheRefillRate() {
        for (int i = 0; i < 5; i++) {
            assertFalse(limiter.isBlocked(guesser), "attempt " + (i + 1));
            limiter.recordFailure(guesser);
        }
        assertTrue(limiter.isBlocked(guesser));
        assertFalse(limiter.isBlocked(publisher), "other addresses are not affected");
        now.addAndGet(11 * SECOND);
        assertTrue(limiter.isBlocked(guesser), "5 per minute: one attempt back after 12 s");
        now.addAndGet(SECOND);
        assertFalse(limiter.isBlocked(guesser));
        limiter.recordFailure(guesser);
        assertTrue(limiter.isBlocked(guesser));
    }

    @Test
    void rememberedAddressesAreBounded() {
        for (int i = 0; i < 5; i++) {
            limiter.recordFailure(guesser);
        }
        for (int other = 10; other < 13; other++) {
            limiter.recordFailure(address(other));
        }
        assertFalse(limiter.isBlocked(guesser), "the least recently failed address is forgotten beyond 3");
        assertFalse(limiter.isBlocked(null), "an unknown address is never blocked");
    }

    @Test
    void theAuthorizerRefusesEvenTheRightKeyFromABlockedAddressAndCountsBothProtocols() {
        PublishAuthorizer authorizer = new PublishAuthorizer(List.of(new StreamConfig("main", "right-key")), List.of(), limiter);
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), authorizer.streamForKey("guess-" + i, guesser)); // RTMP
        }
        for (int i = 0; i < 2; i++) {
            SrtStreamId streamId = SrtStreamId.parse("#!::r=main,k=guess-" + i + ",m=publish");
            assertEquals(SrtRejectReason.UNAUTHORIZED, streamId.authorize(authorizer, guesser).rejection()); // SRT
        }
        assertTrue(authorizer.isBlocked(guesser));
        assertEquals(Optional.empty(), authorizer.streamForKey("right-key", guesser));
        assertFalse(SrtStreamId.parse("#!::r=main,k=right-key,m=publish").authorize(authorizer, guesser).accepted());
        assertEquals(Optional.of("main"), authorizer.streamForKey("right-key", publisher));
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
