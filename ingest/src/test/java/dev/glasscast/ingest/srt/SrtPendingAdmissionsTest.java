package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.auth.PublishAdmission;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A caller's repeated conclusions ask the webhook once, and get the verdict once it is in. */
class SrtPendingAdmissionsTest {

    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 40000);

    private final SrtPendingAdmissions admissions = new SrtPendingAdmissions();
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void repeatsWaitForTheVerdictThenGetIt() {
        CompletableFuture<PublishAdmission.Verdict> verdict = new CompletableFuture<>();
        assertNull(admissions.verdict(CALLER, 7, 0, () -> ask(verdict)));
        assertNull(admissions.verdict(CALLER, 7, 250, () -> ask(verdict)));
        verdict.complete(new PublishAdmission.Verdict(false, "on_publish answered 403"));
        PublishAdmission.Verdict answer = admissions.verdict(CALLER, 7, 500, () -> ask(verdict));
        assertFalse(answer.allowed());
        assertEquals(1, asked.get(), "asked once for the caller's repeated handshakes");
        assertEquals(0, admissions.size());
    }

    @Test
    void aVerdictAtHandIsAnsweredAtOnce() {
        PublishAdmission.Verdict answer = admissions.verdict(CALLER, 7, 0,
                () -> ask(CompletableFuture.completedFuture(PublishAdmission.Verdict.ALLOWED)));
        assertTrue(answer.allowed());
        assertEquals(0, admissions.size());
    }

    @Test
    void callersThatGaveUpAreForgottenAndTheTableIsBounded() {
        for (int socket = 0; socket < SrtPendingAdmissions.MAX_PENDING + 10; socket++) {
            admissions.verdict(CALLER, socket, 0, () -> ask(new CompletableFuture<>()));
        }
        assertEquals(SrtPendingAdmissions.MAX_PENDING, admissions.size());
        admissions.verdict(new InetSocketAddress("127.0.0.1", 40001), 1, SrtPendingAdmissions.FORGET_AFTER_MILLIS + 1,
                () -> ask(new CompletableFuture<>()));
        assertEquals(1, admissions.size());
    }

    @Test
    void aFailedCheckRefuses() {
        CompletableFuture<PublishAdmission.Verdict> broken = CompletableFuture.failedFuture(new IllegalStateException("bug"));
        assertFalse(admissions.verdict(CALLER, 7, 0, () -> ask(broken)).allowed());
    }

    private CompletableFuture<PublishAdmission.Verdict> ask(CompletableFuture<PublishAdmission.Verdict> verdict) {
        asked.incrementAndGet();
        return verdict;
    }
}
